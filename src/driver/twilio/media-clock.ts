import { JitterHistogram } from './jitter-histogram.ts';

/** What the clock drives: one call's stream. */
export interface MediaParticipant {
  /**
   * One 20 ms frame, due at `dueAt` (performance.now() scale); the clock got to it at `now`. A
   * participant sends its frame and plays out its buffer here. Must not throw (a throw removes it
   * and is handed to `failed`).
   */
  tick(dueAt: number, now: number): void;
  /** The participant threw in `tick`; it has been removed. */
  failed(error: unknown): void;
}

/** The timer a clock runs on (real timers by default; tests pass a fake). */
export interface ClockTimer {
  now(): number;
  set(run: () => void, delayMs: number): unknown;
  clear(handle: unknown): void;
}

export interface MediaClockOptions {
  readonly frameMs?: number;
  /** Ticks made up at once when the clock fell behind (default 25: half a second); older ones are skipped. */
  readonly maxCatchUp?: number;
  readonly timer?: ClockTimer;
}

export interface MediaClockStats {
  readonly ticks: number;
  /** Ticks never run because the clock was more than `maxCatchUp` ticks behind. */
  readonly skipped: number;
  /** How late each tick ran against its due time (ms). */
  readonly lag: JitterHistogram;
  /** Wall ms each tick took to run every participant. */
  readonly work: JitterHistogram;
  readonly participants: number;
}

const realTimer: ClockTimer = {
  now: () => performance.now(),
  set: (run, delayMs) => setTimeout(run, delayMs),
  clear: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

/**
 * One media clock for every call of a transport: a single timer that fires every 20 ms (due times
 * on a fixed grid, each timeout set against the next due time, so it never drifts) and runs every
 * participant's frame for that tick, in the order they joined. A call joins at the next tick.
 * Ticks that fell due while the process was busy are run at once (up to `maxCatchUp`), so a late
 * frame is a late frame on the wire, as it would be from a real network. The timer stops when
 * nobody is left.
 */
export class MediaClock {
  readonly frameMs: number;
  readonly #maxCatchUp: number;
  readonly #timer: ClockTimer;
  readonly #participants = new Set<MediaParticipant>();
  readonly #lag = new JitterHistogram();
  readonly #work = new JitterHistogram();
  #handle: unknown = null;
  #origin: number | null = null;
  #next = 0;
  #ticks = 0;
  #skipped = 0;

  constructor(options: MediaClockOptions = {}) {
    this.frameMs = options.frameMs ?? 20;
    this.#maxCatchUp = options.maxCatchUp ?? 25;
    this.#timer = options.timer ?? realTimer;
  }

  get size(): number {
    return this.#participants.size;
  }

  get stats(): MediaClockStats {
    return {
      ticks: this.#ticks,
      skipped: this.#skipped,
      lag: this.#lag,
      work: this.#work,
      participants: this.#participants.size,
    };
  }

  /** The due time of the next tick (performance.now() scale), or null while the clock is stopped. */
  get nextDueAt(): number | null {
    return this.#handle === null ? null : this.#next;
  }

  add(participant: MediaParticipant): void {
    this.#participants.add(participant);
    if (this.#handle !== null) return;
    const now = this.#timer.now();
    // Keep one grid for the clock's life: a restart lands on the next grid point.
    this.#origin ??= now;
    this.#next = this.#origin + Math.ceil((now - this.#origin) / this.frameMs + 1e-9) * this.frameMs;
    this.#schedule(now);
  }

  remove(participant: MediaParticipant): void {
    this.#participants.delete(participant);
    if (this.#participants.size === 0 && this.#handle !== null) {
      this.#timer.clear(this.#handle);
      this.#handle = null;
    }
  }

  /** Stops the timer and forgets every participant. */
  close(): void {
    this.#participants.clear();
    if (this.#handle !== null) this.#timer.clear(this.#handle);
    this.#handle = null;
  }

  #schedule(now: number): void {
    // Timers fire on whole milliseconds, never early by more than the rounding: aim at the due time.
    this.#handle = this.#timer.set(() => this.#run(), Math.max(0, Math.floor(this.#next - now)));
  }

  #run(): void {
    let now = this.#timer.now();
    let behind = Math.floor((now - this.#next) / this.frameMs);
    if (behind > this.#maxCatchUp) {
      this.#skipped += behind - this.#maxCatchUp;
      this.#next += (behind - this.#maxCatchUp) * this.frameMs;
      behind = this.#maxCatchUp;
    }
    // Due within the timer's 1 ms rounding counts as due.
    while (this.#next <= now + 1 && this.#participants.size > 0) {
      const dueAt = this.#next;
      this.#lag.record(now - dueAt);
      const started = now;
      for (const p of this.#participants) {
        try {
          p.tick(dueAt, this.#timer.now());
        } catch (error) {
          this.#participants.delete(p);
          p.failed(error);
        }
      }
      this.#ticks++;
      now = this.#timer.now();
      this.#work.record(now - started);
      this.#next += this.frameMs;
    }
    if (this.#participants.size === 0) {
      this.#handle = null;
      return;
    }
    this.#schedule(now);
  }
}
