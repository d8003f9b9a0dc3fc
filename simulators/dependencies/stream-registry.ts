import type { StreamStats } from './stream-stats.ts';

/** Schedules a check; `unref`'d where the runtime allows, so it never holds a process open. */
export type Schedule = (ms: number, run: () => void) => void;

export const defaultSchedule: Schedule = (ms, run) => {
  const timer = setTimeout(run, ms);
  timer.unref?.();
};

/**
 * The open live streams of a simulator and the calls they carry (a stream is bound to a call when
 * its audio is first linked to one of the call's utterances). The run tells the simulators when a
 * call ended (`POST /__callstorm/calls/ended`, the suite's CallLifecycle, which calls `callEnded`);
 * a stream of that call still open `leakGraceMs` later has outlived its call, and is counted as
 * leaked once.
 */
export class StreamRegistry {
  readonly #stats: StreamStats;
  readonly #graceMs: number;
  readonly #schedule: Schedule;
  readonly #callOf = new Map<string, string | undefined>();
  readonly #ended = new Set<string>();

  constructor(options: { stats: StreamStats; leakGraceMs?: number; schedule?: Schedule }) {
    this.#stats = options.stats;
    this.#graceMs = options.leakGraceMs ?? 5000;
    this.#schedule = options.schedule ?? defaultSchedule;
  }

  opened(streamId: string): void {
    this.#callOf.set(streamId, undefined);
    this.#stats.opened++;
    this.#stats.open++;
  }

  bind(streamId: string, callId: string): void {
    if (this.#callOf.has(streamId)) this.#callOf.set(streamId, callId);
  }

  callOf(streamId: string): string | undefined {
    return this.#callOf.get(streamId);
  }

  closed(streamId: string): void {
    if (!this.#callOf.delete(streamId)) return;
    this.#ended.delete(streamId);
    this.#stats.open--;
  }

  /** How many streams bound to this call are open now. */
  openFor(callId: string): number {
    let open = 0;
    for (const c of this.#callOf.values()) if (c === callId) open++;
    return open;
  }

  /** The call ended: returns how many of its streams are open now (checked again after the grace). */
  callEnded(callId: string): { readonly open: number } {
    const open = [...this.#callOf].filter(([, c]) => c === callId).map(([id]) => id);
    const check = () => {
      for (const id of open) {
        if (this.#callOf.get(id) === callId && !this.#ended.has(id)) {
          this.#ended.add(id);
          this.#stats.leaked++;
        }
      }
    };
    if (this.#graceMs <= 0) check();
    else this.#schedule(this.#graceMs, check);
    return { open: open.length };
  }
}
