import { CallstormError } from '../../src/errors/callstorm-error.ts';
import { type CalendarSlot, localPartsFormatter, SLOT_MS } from './rate-calendar.ts';

export type WindowName = 'month' | 'week' | 'peak-day' | 'peak-hour';
export const WINDOW_NAMES: readonly WindowName[] = ['month', 'week', 'peak-day', 'peak-hour'];

/** A stretch of scenario time to generate calls for. */
export interface CallWindow {
  /** As given: a window name or `START/END`. */
  readonly spec: string;
  readonly startMs: number;
  readonly endMs: number;
  /** Expected number of calls in the window (the Poisson mean). */
  readonly expectedCalls: number;
}

function sum(slots: readonly CalendarSlot[]): number {
  return slots.reduce((a, s) => a + s.expected, 0);
}

/** Expected arrivals in [startMs, endMs), pro rata within partial slots. */
export function expectedBetween(slots: readonly CalendarSlot[], startMs: number, endMs: number): number {
  let total = 0;
  for (const s of slots) {
    const a = Math.max(startMs, s.startMs);
    const b = Math.min(endMs, s.startMs + SLOT_MS);
    if (b > a) total += (s.expected * (b - a)) / SLOT_MS;
  }
  return total;
}

function busiest<T>(items: readonly T[], score: (t: T) => number): T | undefined {
  let best: T | undefined;
  let bestScore = -1;
  for (const item of items) {
    const s = score(item);
    if (s > bestScore) {
      best = item;
      bestScore = s;
    }
  }
  return best;
}

/** Parses `2026-03-02T09:00` (scenario local time) or an instant with Z/offset. */
function parseInstant(text: string, timezone: string): number | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?(Z|[+-]\d{2}:\d{2})?$/.exec(text.trim());
  if (!m) return null;
  if (m[7]) {
    const ms = Date.parse(text.trim());
    return Number.isNaN(ms) ? null : ms;
  }
  const guess = Date.UTC(
    Number(m[1]),
    Number(m[2]) - 1,
    Number(m[3]),
    Number(m[4]),
    Number(m[5]),
    Number(m[6] ?? 0),
  );
  const local = localPartsFormatter(timezone)(guess);
  const [y, mo, d] = local.date.split('-').map(Number) as [number, number, number];
  const [h, mi] = local.time.split(':').map(Number) as [number, number];
  const offset = Date.UTC(y, mo - 1, d, h, mi) - Math.floor(guess / 60_000) * 60_000;
  return guess - offset;
}

export function resolveWindow(slots: readonly CalendarSlot[], spec: string, timezone: string): CallWindow {
  const first = slots[0];
  const last = slots[slots.length - 1];
  if (!first || !last) throw new CallstormError('CS_ERR_INTERNAL', { reason: 'empty calendar' });
  const monthEnd = last.startMs + SLOT_MS;
  let startMs: number;
  let endMs: number;
  if (spec === 'month') {
    startMs = first.startMs;
    endMs = monthEnd;
  } else if (spec === 'peak-day' || spec === 'week') {
    const days = new Map<string, CalendarSlot[]>();
    for (const s of slots) days.set(s.localDate, [...(days.get(s.localDate) ?? []), s]);
    const dayList = [...days.values()];
    if (spec === 'peak-day') {
      const day = busiest(dayList, sum)!;
      startMs = day[0]!.startMs;
      endMs = day[day.length - 1]!.startMs + SLOT_MS;
    } else {
      const mondays = dayList
        .map((d, i) => ({ d, i }))
        .filter(({ d, i }) => d[0]!.weekday === 'mon' && i + 7 <= dayList.length);
      const week = busiest(mondays, ({ i }) => sum(dayList.slice(i, i + 7).flat()));
      if (!week)
        throw new CallstormError('CS_ERR_WINDOW_EMPTY', {
          window: spec,
          reason: 'the month holds no full Monday–Sunday week',
        });
      const days7 = dayList.slice(week.i, week.i + 7);
      startMs = days7[0]![0]!.startMs;
      endMs = days7[6]![days7[6]!.length - 1]!.startMs + SLOT_MS;
    }
  } else if (spec === 'peak-hour') {
    const pairs = slots.slice(0, -1).map((s, i) => ({ s, n: s.expected + slots[i + 1]!.expected }));
    const best = busiest(pairs, (p) => p.n)!;
    startMs = best.s.startMs;
    endMs = startMs + 2 * SLOT_MS;
  } else if (spec.includes('/')) {
    const [a, b] = spec.split('/') as [string, string];
    const s = parseInstant(a, timezone);
    const e = parseInstant(b, timezone);
    if (s === null || e === null) {
      throw new CallstormError('CS_ERR_BAD_ARGUMENT', {
        option: '--window',
        reason: `"${spec}" is not START/END in ISO 8601`,
        fix: 'write e.g. 2026-03-02T09:00/2026-03-02T12:00 (scenario local time) or with Z / an offset',
      });
    }
    if (e <= s)
      throw new CallstormError('CS_ERR_BAD_ARGUMENT', {
        option: '--window',
        reason: `end ${b} is not after start ${a}`,
        fix: 'put the earlier instant first',
      });
    if (e <= first.startMs || s >= monthEnd) {
      throw new CallstormError('CS_ERR_WINDOW_EMPTY', {
        window: spec,
        reason: 'it lies outside the scenario month',
      });
    }
    startMs = Math.max(s, first.startMs);
    endMs = Math.min(e, monthEnd);
  } else {
    throw new CallstormError('CS_ERR_UNKNOWN_NAME', {
      what: 'window',
      name: spec,
      valid: `${WINDOW_NAMES.join(', ')}, or START/END in ISO 8601`,
    });
  }
  const expectedCalls = expectedBetween(slots, startMs, endMs);
  if (!(expectedCalls > 0))
    throw new CallstormError('CS_ERR_WINDOW_EMPTY', {
      window: spec,
      reason: 'it falls outside business hours',
    });
  return { spec, startMs, endMs, expectedCalls };
}
