import type { RunClock } from '../driver/run-clock.ts';

/** setTimeout's longest delay; longer waits re-arm. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * Runs callbacks at scenario instants on a run clock. Timers are unref'd: the run's lifetime
 * belongs to the driver, not to a fault waiting for its time.
 */
export class FaultTimeline {
  readonly clock: RunClock;
  readonly #timers = new Set<NodeJS.Timeout>();

  constructor(clock: RunClock) {
    this.clock = clock;
  }

  /** Calls `fn` when the clock reaches `scenarioMs` (at once if that is past). */
  at(scenarioMs: number, fn: () => void): void {
    const arm = () => {
      const wait = Math.max(0, this.clock.wallUntil(scenarioMs));
      const timer = setTimeout(
        () => {
          this.#timers.delete(timer);
          if (wait > MAX_TIMER_MS) arm();
          else fn();
        },
        Math.min(wait, MAX_TIMER_MS),
      );
      timer.unref();
      this.#timers.add(timer);
    };
    arm();
  }

  /** Drops everything not yet run. */
  cancel(): void {
    for (const timer of this.#timers) clearTimeout(timer);
    this.#timers.clear();
  }
}
