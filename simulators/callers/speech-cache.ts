import { createHash, randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { CallstormError } from '../../src/errors/callstorm-error.ts';

/**
 * The on-disk cache of synthesised speech, content-addressed: an entry's name is the SHA-256 of
 * everything that decides its bytes (the cached stage's version, espeak-ng's version, voice,
 * variant, rate, pitch, text), so an entry never goes stale, only unused. Location:
 * `CALLSTORM_SPEECH_CACHE`, else `$XDG_CACHE_HOME/callstorm/speech`, else `~/.cache/callstorm/speech`;
 * entries are `<dir>/<first two hex digits>/<key>.wav`. Several processes may fill it at once: each
 * entry is written to a temporary file in its folder and renamed into place (atomic on POSIX), so a
 * reader sees a whole entry or none; two writers of one key write the same bytes.
 */
export function defaultSpeechCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env['CALLSTORM_SPEECH_CACHE']) return env['CALLSTORM_SPEECH_CACHE'];
  const base = env['XDG_CACHE_HOME'] || join(homedir(), '.cache');
  return join(base, 'callstorm', 'speech');
}

export interface SpeechCacheStats {
  readonly hits: number;
  readonly misses: number;
}

export class SpeechCache {
  readonly dir: string;
  #hits = 0;
  #misses = 0;
  /** Entries being created in this process: one creation per key however many ask at once. */
  readonly #creating = new Map<string, Promise<Uint8Array>>();

  constructor(dir: string = defaultSpeechCacheDir()) {
    this.dir = dir;
  }

  /** The key of an entry: SHA-256 (hex) of its parts in a fixed order. */
  static key(parts: Readonly<Record<string, string | number | null>>): string {
    const ordered = Object.keys(parts)
      .sort()
      .map((k) => [k, parts[k]]);
    return createHash('sha256').update(JSON.stringify(ordered)).digest('hex');
  }

  pathOf(key: string): string {
    return join(this.dir, key.slice(0, 2), `${key}.wav`);
  }

  get stats(): SpeechCacheStats {
    return { hits: this.#hits, misses: this.#misses };
  }

  /** The entry's bytes, or undefined when it is not cached. */
  async read(key: string): Promise<Uint8Array | undefined> {
    try {
      return await readFile(this.pathOf(key));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw this.#error(error);
    }
  }

  async write(key: string, bytes: Uint8Array): Promise<void> {
    const path = this.pathOf(key);
    const temp = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
    try {
      await mkdir(join(this.dir, key.slice(0, 2)), { recursive: true });
      await writeFile(temp, bytes);
      await rename(temp, path);
    } catch (error) {
      await rm(temp, { force: true }).catch(() => {});
      throw this.#error(error);
    }
  }

  /** The cached entry, or `create()`'s bytes, stored for next time. `hit` says which. */
  async getOrCreate(
    key: string,
    create: () => Promise<Uint8Array>,
  ): Promise<{ bytes: Uint8Array; hit: boolean }> {
    const pending = this.#creating.get(key);
    if (pending) {
      this.#hits++;
      return { bytes: await pending, hit: true };
    }
    const cached = await this.read(key);
    if (cached) {
      this.#hits++;
      return { bytes: cached, hit: true };
    }
    this.#misses++;
    const made = (async () => {
      const bytes = await create();
      await this.write(key, bytes);
      return bytes;
    })();
    this.#creating.set(key, made);
    try {
      return { bytes: await made, hit: false };
    } finally {
      this.#creating.delete(key);
    }
  }

  #error(error: unknown): CallstormError {
    return new CallstormError(
      'CS_ERR_SPEECH_CACHE',
      { path: this.dir, reason: error instanceof Error ? error.message : String(error) },
      { cause: error },
    );
  }
}
