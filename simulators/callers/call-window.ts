import { CallstormError } from '../../src/errors/callstorm-error.ts';
import { type CalendarSlot, localPartsFormatter, SLOT_MS } from './rate-calendar.ts';
import { parseWindowSpec, utcOfFields, type WrittenInstant } from './window-spec.ts';

export { WINDOW_NAMES, type WindowName } from './window-spec.ts';

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

/**
 * Epoch ms of a written instant: with Z or an offset as written; otherwise as local time in the
 * scenario's timezone. A local time the clocks skip (a DST gap) does not exist and is refused; one
 * they pass twice is the later of the two.
 */
function instantMs(i: WrittenInstant, timezone: string): number {
  const fields = utcOfFields(i);
  if (i.offsetMinutes !== null) return fields - i.offsetMinutes * 60_000;
  const local = localPartsFormatter(timezone);
  const wanted = `${i.text.slice(0, 10)} ${i.text.slice(11, 16)}`;
  const offsetAt = (ms: number) => {
    const p = local(ms);
    const [y, mo, d] = p.date.split('-').map(Number) as [number, number, number];
    const [h, mi] = p.time.split(':').map(Number) as [number, number];
    return Date.UTC(y, mo - 1, d, h, mi) - Math.floor(ms / 60_000) * 60_000;
  };
  const isWanted = (ms: number) => {
    const p = local(ms);
    return `${p.date} ${p.time}` === wanted;
  };
  // The offset at the fields read as UTC is right except within hours of a change; then the
  // offset at that first answer is.
  const first = fields - offsetAt(fields);
  if (isWanted(first)) return first;
  const second = fields - offsetAt(first);
  if (isWanted(second)) return second;
  throw new CallstormError('CS_ERR_BAD_ARGUMENT', {
    option: '--window',
    reason: `"${i.text}" does not exist in ${timezone}: the clocks skip it (a daylight-saving change)`,
    fix: 'choose a local time outside the skipped hour, or write the instant with Z or an offset',
  });
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
  } else {
    const parsed = parseWindowSpec(spec);
    if (parsed.kind !== 'range') throw new CallstormError('CS_ERR_INTERNAL', { reason: `window ${spec}` });
    const s = instantMs(parsed.start, timezone);
    const e = instantMs(parsed.end, timezone);
    if (e <= s)
      throw new CallstormError('CS_ERR_BAD_ARGUMENT', {
        option: '--window',
        reason: `end ${parsed.end.text} is not after start ${parsed.start.text}`,
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
  }
  const expectedCalls = expectedBetween(slots, startMs, endMs);
  if (!(expectedCalls > 0))
    throw new CallstormError('CS_ERR_WINDOW_EMPTY', {
      window: spec,
      reason: 'it falls outside business hours',
    });
  return { spec, startMs, endMs, expectedCalls };
}
