import type { Slot } from '../../src/scenario/vertical-schema.ts';
import { pick, type Random } from '../seeded-random.ts';

/** A slot value as the CRM stores it and as the caller says it. */
export interface SlotValue {
  readonly canonical: string;
  readonly spoken: string;
}

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
const DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];

function ordinal(n: number): string {
  const rem100 = n % 100;
  if (rem100 >= 11 && rem100 <= 13) return `${n}th`;
  return `${n}${({ 1: 'st', 2: 'nd', 3: 'rd' } as Record<number, string>)[n % 10] ?? 'th'}`;
}

/**
 * Date values by call date and offset: a month of calls uses a few thousand distinct ones, and
 * building each with a Date cost ~1 µs a slot. Cleared if a long window ever makes it large.
 */
const dateValues = new Map<string, SlotValue>();
const DATE_VALUES_MAX = 100_000;

function dateValue(callDate: string, offset: number): SlotValue {
  const key = `${callDate}|${offset}`;
  let value = dateValues.get(key);
  if (value === undefined) {
    const d = new Date(`${callDate}T12:00:00Z`);
    d.setUTCDate(d.getUTCDate() + offset);
    value = {
      canonical: d.toISOString().slice(0, 10),
      spoken: `${DAYS[d.getUTCDay()]} the ${ordinal(d.getUTCDate())} of ${MONTHS[d.getUTCMonth()]}`,
    };
    if (dateValues.size >= DATE_VALUES_MAX) dateValues.clear();
    dateValues.set(key, value);
  }
  return value;
}

/** Draws a value for a slot; dates count from the call's local date (`YYYY-MM-DD`). */
export function drawSlotValue(slot: Slot, rng: Random, callDate: string): SlotValue {
  switch (slot.type) {
    case 'amount': {
      const steps = Math.floor((slot.max - slot.min) / slot.step);
      const value = slot.min + Math.floor(rng() * (steps + 1)) * slot.step;
      const pounds = Number.isInteger(value) ? String(value) : value.toFixed(2);
      return { canonical: value.toFixed(2), spoken: `£${pounds}` };
    }
    case 'date': {
      return dateValue(callDate, slot.minDays + Math.floor(rng() * (slot.maxDays - slot.minDays + 1)));
    }
    case 'time': {
      const [fh, fm] = slot.from.split(':').map(Number) as [number, number];
      const [th, tm] = slot.to.split(':').map(Number) as [number, number];
      const steps = Math.floor((th * 60 + tm - (fh * 60 + fm)) / slot.stepMinutes);
      const minutes = fh * 60 + fm + Math.floor(rng() * (steps + 1)) * slot.stepMinutes;
      const hh = Math.floor(minutes / 60);
      const mm = minutes % 60;
      const canonical = `${String(hh).padStart(2, '0')}:${String(mm).padStart(2, '0')}`;
      const h12 = ((hh + 11) % 12) + 1;
      const spoken = `${h12}${mm === 0 ? '' : `:${String(mm).padStart(2, '0')}`}${hh < 12 ? 'am' : 'pm'}`;
      return { canonical, spoken };
    }
    case 'integer': {
      const value = slot.min + Math.floor(rng() * (slot.max - slot.min + 1));
      return { canonical: String(value), spoken: String(value) };
    }
    case 'choice': {
      const value = pick(rng, slot.options);
      return { canonical: value, spoken: value };
    }
  }
}

/** A different value for the same slot (what a correction changes it to). */
export function drawDifferentValue(slot: Slot, rng: Random, callDate: string, current: SlotValue): SlotValue {
  for (let attempt = 0; attempt < 8; attempt++) {
    const next = drawSlotValue(slot, rng, callDate);
    if (next.canonical !== current.canonical) return next;
  }
  return current;
}
