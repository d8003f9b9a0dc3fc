import { appendFileSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { CallstormError } from '../src/errors/callstorm-error.ts';
import type { CrmOperationName } from '../src/scenario/crm-operations.ts';
import type { CrmRequest } from './agent-tools.ts';

/** A CRM write that could not land during its call, kept until a replay lands it. */
export interface DeadLetter {
  /** The write's Idempotency-Key: replays reuse it, so the CRM writes it at most once. */
  readonly id: string;
  readonly runId: string;
  readonly callId: string;
  readonly op: CrmOperationName;
  readonly request: CrmRequest;
  /** ISO 8601. */
  readonly enqueuedAt: string;
  /** Why it was dead-lettered (the last error). */
  readonly reason: string;
  readonly attempts: number;
}

type LogLine =
  | { event: 'enqueued'; letter: DeadLetter }
  | { event: 'attempted'; id: string; at: string; error: string }
  | { event: 'landed'; id: string; at: string; replayed: boolean }
  | { event: 'abandoned'; id: string; at: string; error: string };

export type ReplayOutcome =
  | { readonly kind: 'landed'; readonly replayed: boolean }
  | { readonly kind: 'rejected'; readonly error: string }
  | { readonly kind: 'failed'; readonly error: string };

export interface ReplayReport {
  readonly landed: number;
  readonly abandoned: number;
  readonly failed: number;
  readonly remaining: number;
}

/**
 * Durable dead-letter queue: an append-only JSONL log (enqueued / attempted / landed / abandoned),
 * folded into the pending set when opened and compacted then, so a restarted agent replays what a
 * crashed one left. Appends are synchronous: a write is on disk before the caller is told it will be
 * confirmed later.
 */
export class DeadLetterQueue {
  readonly path: string;
  readonly #pending = new Map<string, DeadLetter & { attempts: number }>();
  #landed = 0;
  #abandoned = 0;

  constructor(path: string) {
    this.path = path;
    try {
      mkdirSync(dirname(path), { recursive: true });
      this.#load();
      this.#compact();
    } catch (error) {
      if (error instanceof CallstormError) throw error;
      throw new CallstormError(
        'CS_ERR_DEAD_LETTER_FILE',
        { path, reason: error instanceof Error ? error.message : String(error) },
        { cause: error },
      );
    }
  }

  get size(): number {
    return this.#pending.size;
  }

  /** Pending letters, oldest first. */
  pending(): DeadLetter[] {
    return [...this.#pending.values()];
  }

  get stats(): { pending: number; landed: number; abandoned: number } {
    return { pending: this.#pending.size, landed: this.#landed, abandoned: this.#abandoned };
  }

  has(id: string): boolean {
    return this.#pending.has(id);
  }

  enqueue(letter: DeadLetter): void {
    if (this.#pending.has(letter.id)) return;
    this.#append({ event: 'enqueued', letter });
    this.#pending.set(letter.id, { ...letter });
  }

  /**
   * Replays up to `limit` letters, oldest first, through `send`. Stops the round at the first
   * transient failure (the CRM is still unwell: the rest would fail too).
   */
  async replay(
    send: (letter: DeadLetter) => Promise<ReplayOutcome>,
    limit = Number.POSITIVE_INFINITY,
  ): Promise<ReplayReport> {
    let landed = 0;
    let abandoned = 0;
    let failed = 0;
    for (const letter of this.pending().slice(0, limit)) {
      if (!this.#pending.has(letter.id)) continue;
      const outcome = await send(letter);
      const at = new Date().toISOString();
      if (outcome.kind === 'landed') {
        this.#append({ event: 'landed', id: letter.id, at, replayed: outcome.replayed });
        this.#pending.delete(letter.id);
        this.#landed++;
        landed++;
      } else if (outcome.kind === 'rejected') {
        this.#append({ event: 'abandoned', id: letter.id, at, error: outcome.error });
        this.#pending.delete(letter.id);
        this.#abandoned++;
        abandoned++;
      } else {
        this.#append({ event: 'attempted', id: letter.id, at, error: outcome.error });
        const entry = this.#pending.get(letter.id);
        if (entry) entry.attempts++;
        failed++;
        break;
      }
    }
    return { landed, abandoned, failed, remaining: this.#pending.size };
  }

  #append(line: LogLine): void {
    appendFileSync(this.path, `${JSON.stringify(line)}\n`);
  }

  #load(): void {
    let text: string;
    try {
      text = readFileSync(this.path, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw error;
    }
    for (const raw of text.split('\n')) {
      if (raw.trim() === '') continue;
      let line: LogLine;
      try {
        line = JSON.parse(raw) as LogLine;
      } catch {
        continue; // A torn last line after a crash: everything before it is intact.
      }
      if (line.event === 'enqueued') this.#pending.set(line.letter.id, { ...line.letter });
      else if (line.event === 'attempted') {
        const entry = this.#pending.get(line.id);
        if (entry) entry.attempts++;
      } else this.#pending.delete(line.id);
    }
  }

  #compact(): void {
    const tmp = `${this.path}.tmp`;
    writeFileSync(
      tmp,
      [...this.#pending.values()]
        .map((letter) => `${JSON.stringify({ event: 'enqueued', letter })}\n`)
        .join(''),
    );
    renameSync(tmp, this.path);
  }
}
