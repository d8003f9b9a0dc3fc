import { join } from 'node:path';
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

  constructor(dir: string, options: RunRecorderOptions = {}) {
    this.dir = dir;
    this.histograms = new LatencyHistograms(options.windowMs);
    this.#calls = new JsonlFile(join(dir, 'calls.jsonl'), options.calls ?? 'append');
    const every = options.flushEveryMs ?? 5_000;
    if (every > 0) {
      this.#timer = setInterval(() => this.flushHistograms(), every);
      this.#timer.unref();
    }
  }

  count(counter: (typeof COUNTERS)[number], by = 1): void {
    this.counters[counter] = (this.counters[counter] ?? 0) + by;
  }

  record(call: CallRecord): void {
    this.#calls.append(call);
    this.histograms.recordCall(call);
    for (const t of call.turns) if (t.voiceToVoiceMs !== null) this.#voiceToVoice.push(t.voiceToVoiceMs);
    this.count('call.finished');
    this.count(`call.outcome.${call.outcome}`);
    this.count('call.turn.sent', call.turns.length);
    this.count('call.turn.barge_in', call.turns.filter((t) => t.bargeIn).length);
    if (call.residencyViolation) this.count('call.residency_violation');
  }

  /** p-th percentile of voice-to-voice so far (for progress; NaN before the first reply). */
  voiceToVoice(p: number): number {
    return percentile(this.#voiceToVoice, p) ?? Number.NaN;
  }

  flushHistograms(): void {
    writeJsonAtomic(join(this.dir, 'histograms.json'), this.histograms.toJSON());
  }

  /** Stops the timer, writes histograms.json a last time and closes calls.jsonl. Idempotent. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    if (this.#timer) clearInterval(this.#timer);
    this.flushHistograms();
    this.#calls.close();
  }
}
