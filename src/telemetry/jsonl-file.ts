import { closeSync, openSync, writeSync } from 'node:fs';

/**
 * An append-only JSON Lines file written with one synchronous write per line, so that every line
 * a killed process reported is on disk whole (no user-space buffer to lose on SIGKILL).
 */
export class JsonlFile {
  readonly path: string;
  #fd: number | null;
  #lines = 0;

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
    writeSync(this.#fd, `${JSON.stringify(value)}\n`);
    this.#lines++;
  }

  close(): void {
    if (this.#fd !== null) closeSync(this.#fd);
    this.#fd = null;
  }
}
