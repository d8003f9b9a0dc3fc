import type { CallWindow } from '../../../simulators/callers/call-window.ts';
import { type CalendarSlot, SLOT_MS } from '../../../simulators/callers/rate-calendar.ts';

/** A `ramping-arrival-rate` scenario's shape: iterations per `timeUnit`, ramped stage by stage. */
export interface ArrivalShape {
  readonly timeUnit: string;
  readonly startRate: number;
  readonly stages: readonly { readonly target: number; readonly duration: string }[];
  /** Expected calls over the window (the integral of the curve). */
  readonly expectedCalls: number;
  /** Peak rate in calls per wall second. */
  readonly peakPerSecond: number;
}

/** Peak rate expressed as this many iterations per timeUnit: k6 targets are integers. */
const TARGET_RESOLUTION = 1000;

function duration(ms: number): string {
  return `${Math.max(1, Math.round(ms))}ms`;
}

/**
 * The calendar's curve over the window as `ramping-arrival-rate` stages, compressed by `speed`:
 * every 30-minute slot (clipped to the window) becomes a stage that ramps to its rate at the
 * slot's midpoint — k6 interpolates linearly between targets. The time unit is chosen so the
 * peak is ~1000 iterations per unit (targets must be integers; this keeps rounding under 0.1 %).
 */
export function arrivalShape(
  slots: readonly CalendarSlot[],
  window: CallWindow,
  speed: number,
): ArrivalShape {
  const pieces: { ms: number; perMs: number; expected: number }[] = [];
  for (const slot of slots) {
    const from = Math.max(slot.startMs, window.startMs);
    const to = Math.min(slot.startMs + SLOT_MS, window.endMs);
    if (to <= from) continue;
    const expected = (slot.expected * (to - from)) / SLOT_MS;
    const wallMs = (to - from) / speed;
    pieces.push({ ms: wallMs, perMs: expected / wallMs, expected });
  }
  const peakPerMs = Math.max(1e-12, ...pieces.map((p) => p.perMs));
  const unitMs = Math.max(1, Math.round(TARGET_RESOLUTION / peakPerMs));
  const target = (perMs: number) => Math.round(perMs * unitMs);
  const stages: { target: number; duration: string }[] = [];
  // Ramp to each slot's rate over its first half, hold it through its second half.
  for (const p of pieces) {
    stages.push({ target: target(p.perMs), duration: duration(p.ms / 2) });
    stages.push({ target: target(p.perMs), duration: duration(p.ms / 2) });
  }
  return {
    timeUnit: `${unitMs}ms`,
    startRate: target(pieces[0]?.perMs ?? 0),
    stages,
    expectedCalls: pieces.reduce((a, p) => a + p.expected, 0),
    peakPerSecond: peakPerMs * 1000,
  };
}
