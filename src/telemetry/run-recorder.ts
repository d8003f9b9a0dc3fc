import { unlinkSync } from 'node:fs';
import { join } from 'node:path';
import type { CallstormError } from '../errors/callstorm-error.ts';
import { outputWriteError } from '../util/output-location.ts';
import { percentile } from '../util/percentile.ts';
import type { CallRecord } from './call-record.ts';
import { JsonlFile } from './jsonl-file.ts';
import { LatencyHistograms } from './latency-histograms.ts';
import { COUNTERS } from './metric-names.ts';
import { writeJsonAtomic } from './write-json-atomic.ts';

export interface RunRecorderOptions {
  /** Width of a histogram window in scenario ms (default 5 minutes). */
  readonly windowMs?: number;
  /** How often histograms.json is rewritten (wall ms, default 5 s; 0: only at close). */
  readonly flushEveryMs?: number;
  /** `append` (default) adds to calls.jsonl (a run claims its folder first); `replace` starts it afresh. */
  readonly calls?: 'append' | 'replace';
}

/**
 * Subscribes to judged calls: appends each to `calls.jsonl` at once (a killed run keeps every
 * call that ended), feeds the histograms and counters, and writes `histograms.json`
 * periodically and at the end. Used by `callstorm run` and `callstorm ingest k6` alike.
 *
 * A write that fails (a full disk, a read-only file system) is CS_ERR_OUTPUT_WRITE: with a
 * listener (`onWriteFailure`, the run: it stops) it is reported once and nothing more is written
 * to calls.jsonl; without one (ingest) it is thrown. Calls, counters and histograms only ever
 * hold what reached calls.jsonl, so a folder cut short by a full disk still reads as consistent.
 */
export class RunRecorder {
  readonly dir: string;
  readonly histograms: LatencyHistograms;
  readonly counters: Record<string, number> = Object.fromEntries(COUNTERS.map((c) => [c, 0]));
  readonly #calls: JsonlFile;
  /** Voice-to-voice of every turn so far, for progress (exact, like the report's). */
  #voiceToVoice: number[] = [];
  #timer: NodeJS.Timeout | null = null;
  #closed = false;
  #failure: CallstormError | null = null;
  readonly #failureListeners: ((error: CallstormError) => void)[] = [];

  constructor(dir: string, options: RunRecorderOptions = {}) {
    this.dir = dir;
    this.histograms = new LatencyHistograms(options.windowMs);
    this.#calls = new JsonlFile(join(dir, 'calls.jsonl'), options.calls ?? 'append');
    const every = options.flushEveryMs ?? 5_000;
    if (every > 0) {
      this.#timer = setInterval(() => this.#flush(), every);
      this.#timer.unref();
    }
  }

  count(counter: (typeof COUNTERS)[number], by = 1): void {
    this.counters[counter] = (this.counters[counter] ?? 0) + by;
  }

  /** The first write that failed, if one did. */
  get writeFailure(): CallstormError | null {
    return this.#failure;
  }

  /** Called once with the first write failure (at once when one has already happened). */
  onWriteFailure(listener: (error: CallstormError) => void): void {
    this.#failureListeners.push(listener);
    if (this.#failure) listener(this.#failure);
  }

  /** Appends the call and counts it; false when it could not be written (see onWriteFailure). */
  record(call: CallRecord): boolean {
    if (this.#failure && this.#failureListeners.length > 0) return false;
    try {
      this.#calls.append(call);
    } catch (error) {
      this.#failed(error, 'calls.jsonl');
      return false;
    }
    this.histograms.recordCall(call);
    for (const t of call.turns) if (t.voiceToVoiceMs !== null) this.#voiceToVoice.push(t.voiceToVoiceMs);
    this.count('call.finished');
    this.count(`call.outcome.${call.outcome}`);
    this.count('call.turn.sent', call.turns.length);
    this.count('call.turn.barge_in', call.turns.filter((t) => t.bargeIn).length);
    if (call.residencyViolation) this.count('call.residency_violation');
    return true;
  }

  /** p-th percentile of voice-to-voice so far (for progress; NaN before the first reply). */
  voiceToVoice(p: number): number {
    return percentile(this.#voiceToVoice, p) ?? Number.NaN;
  }

  flushHistograms(): void {
    writeJsonAtomic(join(this.dir, 'histograms.json'), this.histograms.toJSON());
  }

  /** flushHistograms for the timer: a failure is reported, never thrown out of a timer. */
  #flush(): boolean {
    try {
      this.flushHistograms();
      return true;
    } catch (error) {
      if (this.#failureListeners.length === 0 && this.#failure === null) {
        this.#failure = this.#wrap(error, 'histograms.json');
        return false;
      }
      this.#failed(error, 'histograms.json');
      return false;
    }
  }

  #wrap(error: unknown, file: string): CallstormError {
    return outputWriteError(
      'the run folder',
      join(this.dir, file),
      error,
      `calls.jsonl holds the ${this.counters['call.finished'] ?? 0} calls that ended before; \`callstorm report\` reads the folder as it is.`,
    );
  }

  #failed(error: unknown, file: string): void {
    const first = this.#failure === null;
    const wrapped = this.#failure ?? this.#wrap(error, file);
    this.#failure = wrapped;
    if (this.#failureListeners.length === 0) throw wrapped;
    if (first) for (const l of this.#failureListeners) l(wrapped);
  }

  /**
   * Stops the timer, writes histograms.json a last time and closes calls.jsonl. Idempotent. When
   * the last histograms.json cannot be written, an older one is removed rather than left to
   * disagree with calls.jsonl.
   */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    if (this.#timer) clearInterval(this.#timer);
    this.#calls.close();
    try {
      this.flushHistograms();
    } catch (error) {
      try {
        unlinkSync(join(this.dir, 'histograms.json'));
      } catch {
        // none, or a read-only file system
      }
      this.#failed(error, 'histograms.json');
    }
  }
}
