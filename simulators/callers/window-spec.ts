import { CallstormError } from '../../src/errors/callstorm-error.ts';

export type WindowName = 'month' | 'week' | 'peak-day' | 'peak-hour';
export const WINDOW_NAMES: readonly WindowName[] = ['month', 'week', 'peak-day', 'peak-hour'];

/** A date and time as written in a window: scenario local time, or an instant with its offset. */
export interface WrittenInstant {
  /** As written (trimmed). */
  readonly text: string;
  readonly year: number;
  /** 1–12. */
  readonly month: number;
  readonly day: number;
  readonly hour: number;
  readonly minute: number;
  readonly second: number;
  /** Minutes east of UTC when written with `Z` or `±HH:MM`; null = the scenario's local time. */
  readonly offsetMinutes: number | null;
}

/** A window as written: one of the named windows, or exactly two instants `START/END`. */
export type WindowSpec =
  | { readonly kind: 'named'; readonly name: WindowName }
  | { readonly kind: 'range'; readonly start: WrittenInstant; readonly end: WrittenInstant };

const MONTHS = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
];

/** The largest UTC offset written anywhere (ISO 8601 allows more; no zone uses it). */
const MAX_OFFSET_MINUTES = 18 * 60;

const INSTANT = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?(Z|([+-])(\d{2}):(\d{2}))?$/;

export function daysInMonth(year: number, month: number): number {
  const d = new Date(0);
  d.setUTCFullYear(year, month, 0);
  return d.getUTCDate();
}

/** Epoch ms of the written fields read as UTC (years 0–99 included, unlike Date.UTC). */
export function utcOfFields(i: WrittenInstant): number {
  const d = new Date(0);
  d.setUTCFullYear(i.year, i.month - 1, i.day);
  d.setUTCHours(i.hour, i.minute, i.second, 0);
  return d.getTime();
}

function badWindow(option: string, text: string, reason: string): CallstormError {
  return new CallstormError('CS_ERR_BAD_ARGUMENT', {
    option,
    reason: `"${text}": ${reason}`,
    fix: 'write START/END as two instants that exist, e.g. 2026-03-02T09:00/2026-03-02T12:00 (scenario local time) or with Z / an offset such as +01:00; or a window name: month, week, peak-day, peak-hour',
  });
}

/** Parses `2026-03-02T09:00[:SS][Z|±HH:MM]`, refusing fields that do not exist (no rollover). */
export function parseWrittenInstant(text: string, option = '--window'): WrittenInstant {
  const t = text.trim();
  const m = INSTANT.exec(t);
  if (!m) throw badWindow(option, t, 'not a date and time in ISO 8601 (YYYY-MM-DDTHH:MM[:SS])');
  const [year, month, day, hour, minute] = [m[1], m[2], m[3], m[4], m[5]].map(Number) as [
    number,
    number,
    number,
    number,
    number,
  ];
  const second = m[6] === undefined ? 0 : Number(m[6]);
  if (month < 1 || month > 12) throw badWindow(option, t, `month ${m[2]} does not exist (01–12)`);
  const days = daysInMonth(year, month);
  if (day < 1 || day > days)
    throw badWindow(option, t, `${MONTHS[month - 1]} ${m[1]} has no day ${m[3]} (01–${days})`);
  if (hour > 23) throw badWindow(option, t, `hour ${m[4]} does not exist (00–23)`);
  if (minute > 59) throw badWindow(option, t, `minute ${m[5]} does not exist (00–59)`);
  if (second > 59) throw badWindow(option, t, `second ${m[6]} does not exist (00–59)`);
  let offsetMinutes: number | null = null;
  if (m[7] === 'Z') offsetMinutes = 0;
  else if (m[7] !== undefined) {
    const oh = Number(m[9]);
    const om = Number(m[10]);
    if (om > 59 || oh * 60 + om > MAX_OFFSET_MINUTES)
      throw badWindow(option, t, `UTC offset ${m[7]} does not exist (−18:00 to +18:00)`);
    offsetMinutes = (m[8] === '-' ? -1 : 1) * (oh * 60 + om);
  }
  return { text: t, year, month, day, hour, minute, second, offsetMinutes };
}

/**
 * Parses a `--window`: a window name, or START/END with exactly two ends, each an instant that
 * exists. Whether a local instant exists in the scenario's timezone (a DST gap), whether END is
 * after START and whether the window meets the scenario month are checked when it is resolved
 * against a calendar (`resolveWindow`).
 */
export function parseWindowSpec(text: string, option = '--window'): WindowSpec {
  if ((WINDOW_NAMES as readonly string[]).includes(text)) return { kind: 'named', name: text as WindowName };
  if (text.includes('/')) {
    const parts = text.split('/');
    if (parts.length !== 2)
      throw badWindow(option, text, `${parts.length} parts; a window has exactly two ends, START/END`);
    return {
      kind: 'range',
      start: parseWrittenInstant(parts[0]!, option),
      end: parseWrittenInstant(parts[1]!, option),
    };
  }
  throw new CallstormError('CS_ERR_UNKNOWN_NAME', {
    what: 'window',
    name: text,
    valid: `${WINDOW_NAMES.join(', ')}, or START/END in ISO 8601`,
  });
}
