import { exponential, seeded } from '../seeded-random.ts';
import type { CallWindow } from './call-window.ts';
import { type CalendarSlot, SLOT_MS } from './rate-calendar.ts';

/**
 * Arrival times of an inhomogeneous Poisson process with a piecewise-constant rate, by time
 * rescaling: unit-rate exponential gaps in cumulative-intensity space, mapped back through the
 * inverse of the cumulative rate. Yields ms after the window start, in order. Depends only on
 * (slots, window, seed): the i-th arrival is the same on every run.
 */
export function* arrivalTimes(
  slots: readonly CalendarSlot[],
  window: CallWindow,
  seed: number | string,
): Generator<number> {
  const rng = seeded(seed, 'arrivals', window.spec);
  let cumulative = exponential(rng, 1);
  let before = 0;
  for (const slot of slots) {
    const a = Math.max(window.startMs, slot.startMs);
    const b = Math.min(window.endMs, slot.startMs + SLOT_MS);
    if (b <= a || slot.expected <= 0) continue;
    const mass = (slot.expected * (b - a)) / SLOT_MS;
    while (cumulative < before + mass) {
      const t = a + ((cumulative - before) / mass) * (b - a);
      yield t - window.startMs;
      cumulative += exponential(rng, 1);
    }
    before += mass;
  }
}
