/**
 * The one abortable wait. Two flavours, because callers want two things from an abort:
 * - `sleep` never rejects: a simulator that stops waiting when its client goes away, a loop that
 *   checks `signal.aborted` itself. It resolves `true` when the full time passed, `false` when
 *   the signal cut it short (or was already aborted).
 * - `sleepOrThrow` rejects with `signal.reason`: a caller whose work must stop at the abort.
 * A non-positive or non-finite `ms` does not wait at all (still reporting an aborted signal).
 */
export function sleep(ms: number, signal?: AbortSignal): Promise<boolean> {
  if (signal?.aborted) return Promise.resolve(false);
  if (!(ms > 0) || !Number.isFinite(ms)) return Promise.resolve(true);
  return new Promise((resolve) => {
    const onAbort = () => {
      clearTimeout(timer);
      resolve(false);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve(true);
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** Waits `ms`; rejects with the signal's reason if it aborts first (or already has). */
export function sleepOrThrow(ms: number, signal?: AbortSignal): Promise<void> {
  if (signal?.aborted) return Promise.reject(signal.reason);
  if (!(ms > 0) || !Number.isFinite(ms)) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/**
 * Waits until `performance.now()` reaches `wallMs`; rejects on abort like `sleepOrThrow`. Never
 * returns early: timers run on the event loop's whole-millisecond clock and may fire up to a
 * millisecond before a high-resolution target, so it waits again for what is left.
 */
export async function sleepUntil(wallMs: number, signal?: AbortSignal): Promise<void> {
  // Whole milliseconds, rounded up: a clock that only moves in whole steps (a fake one) gets there.
  for (let left = wallMs - performance.now(); left > 0; left = wallMs - performance.now()) {
    await sleepOrThrow(Math.ceil(left), signal);
  }
  if (signal?.aborted) throw signal.reason;
}
