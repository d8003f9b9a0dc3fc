import type { Peak } from '../../src/scenario/calendar-schema.ts';
import type { Scenario } from '../../src/scenario/compose-scenario.ts';
import { type Weekday, weekdays } from '../../src/scenario/schema-helpers.ts';

export const SLOT_MS = 30 * 60_000;

/** One 30-minute slot of the scenario month with its expected number of arrivals. */
export interface CalendarSlot {
  /** Epoch ms (UTC) of the slot start. */
  readonly startMs: number;
  /** Local date `YYYY-MM-DD` and time `HH:MM` in the scenario timezone. */
  readonly localDate: string;
  readonly localTime: string;
  readonly weekday: Weekday;
  /** Expected arrivals in this slot (the monthly volume spread over the calendar). */
  readonly expected: number;
  /** Names of the peaks active in this slot. */
  readonly peaks: readonly string[];
}

interface LocalParts {
  date: string;
  time: string;
  weekday: Weekday;
  day: number;
  month: string;
}

const WEEKDAY_BY_NAME: Record<string, Weekday> = {
  Mon: 'mon',
  Tue: 'tue',
  Wed: 'wed',
  Thu: 'thu',
  Fri: 'fri',
  Sat: 'sat',
  Sun: 'sun',
};

export function localPartsFormatter(timezone: string): (ms: number) => LocalParts {
  const fmt = new Intl.DateTimeFormat('en-GB', {
    timeZone: timezone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    weekday: 'short',
    hourCycle: 'h23',
  });
  return (ms) => {
    const parts: Record<string, string> = {};
    for (const p of fmt.formatToParts(ms)) parts[p.type] = p.value;
    return {
      date: `${parts.year}-${parts.month}-${parts.day}`,
      time: `${parts.hour}:${parts.minute}`,
      weekday: WEEKDAY_BY_NAME[parts.weekday as string] as Weekday,
      day: Number(parts.day),
      month: `${parts.year}-${parts.month}`,
    };
  };
}

function isBusinessWeekday(w: Weekday): boolean {
  return w !== 'sat' && w !== 'sun';
}

function peakMatches(peak: Peak, local: LocalParts, lastBusinessDays: readonly string[]): boolean {
  if (peak.days && !peak.days.includes(local.weekday)) return false;
  if (peak.monthDays && !peak.monthDays.includes(local.day)) return false;
  if (peak.lastBusinessDays && !lastBusinessDays.slice(-peak.lastBusinessDays).includes(local.date))
    return false;
  if (peak.from && local.time < peak.from) return false;
  if (peak.to && local.time >= peak.to) return false;
  return true;
}

/**
 * The scenario month as 30-minute slots with the expected number of arrivals in each: day-of-week
 * index × intraday curve × active peaks, inside business hours, scaled so the month sums to the
 * stage's monthly volume. The arrival rate is constant within a slot.
 */
export function buildRateCalendar(scenario: Scenario): CalendarSlot[] {
  const { calendar, monthlyVolume } = scenario.stage;
  const local = localPartsFormatter(calendar.timezone);
  const [year, month] = calendar.month.split('-').map(Number) as [number, number];
  const from = Date.UTC(year, month - 1, 1) - 86_400_000;
  const to = Date.UTC(year, month, 1) + 86_400_000;
  const raw: { startMs: number; local: LocalParts }[] = [];
  for (let ms = from; ms < to; ms += SLOT_MS) {
    const parts = local(ms);
    if (parts.month === calendar.month) raw.push({ startMs: ms, local: parts });
  }
  const businessDays = [
    ...new Set(raw.filter((s) => isBusinessWeekday(s.local.weekday)).map((s) => s.local.date)),
  ];
  const { open, close } = calendar.businessHours;
  const weights = raw.map(({ local: l }) => {
    if (l.time < open || l.time >= close) return { w: 0, peaks: [] as string[] };
    const base = calendar.dayOfWeek[l.weekday] * (calendar.intraday[l.time] ?? 0);
    if (base === 0) return { w: 0, peaks: [] as string[] };
    const active = scenario.peaks.filter((p) => peakMatches(p, l, businessDays));
    return { w: active.reduce((acc, p) => acc * p.multiplier, base), peaks: active.map((p) => p.name) };
  });
  const total = weights.reduce((a, x) => a + x.w, 0);
  return raw.map((s, i) => ({
    startMs: s.startMs,
    localDate: s.local.date,
    localTime: s.local.time,
    weekday: s.local.weekday,
    expected: total > 0 ? (monthlyVolume * weights[i]!.w) / total : 0,
    peaks: weights[i]!.peaks,
  }));
}

export { weekdays };
