import { closeSync, openSync, writeSync } from 'node:fs';

/**
 * An append-only JSON Lines file written with one synchronous write per line, so that every line
 * a killed process reported is on disk whole (no user-space buffer to lose on SIGKILL). After a
 * failed write (a full disk, a read-only file system) the file takes no more lines: whatever part
 * of the failed line reached the disk stays the torn last line, which readers skip.
 */
export class JsonlFile {
  readonly path: string;
  #fd: number | null;
  #lines = 0;
  #failed: unknown = null;

  /** `append` adds to an existing file; `replace` starts it afresh. */
  constructor(path: string, mode: 'append' | 'replace' = 'append') {
    this.path = path;
    this.#fd = openSync(path, mode === 'append' ? 'a' : 'w');
  }

  get lines(): number {
    return this.#lines;
  }

  append(value: unknown): void {
    if (this.#fd === null) throw new Error(`${this.path} is closed`);
    if (this.#failed !== null) throw this.#failed;
    const bytes = Buffer.from(`${JSON.stringify(value)}\n`);
    try {
      for (let at = 0; at < bytes.length; ) at += writeSync(this.#fd, bytes, at, bytes.length - at);
    } catch (error) {
      this.#failed = error;
      throw error;
    }
    this.#lines++;
  }

  close(): void {
    if (this.#fd !== null) closeSync(this.#fd);
    this.#fd = null;
  }
}
