import { z } from 'zod';
import { identifier, onlyIfValid, slotTime, weekday } from './schema-helpers.ts';

/** A named peak: a multiplier on the arrival rate for matching days and hours. */
export const peakSchema = z
  .strictObject({
    name: identifier,
    multiplier: z.number().positive(),
    /** Only on these days of the week. */
    days: z.array(weekday).min(1).optional(),
    /** Only on the last N business days of the month (month-end). */
    lastBusinessDays: z.number().int().min(1).max(10).optional(),
    /** Only on these days of the month. */
    monthDays: z.array(z.number().int().min(1).max(31)).min(1).optional(),
    /** From this local time (inclusive); default start of day. */
    from: slotTime.optional(),
    /** Until this local time (exclusive); default end of day. */
    to: slotTime.optional(),
  })
  .refine((p) => !(p.from && p.to) || p.from < p.to, {
    message: 'from must be before to',
    path: ['to'],
    when: onlyIfValid,
  });

export const DEFAULT_INTRADAY: Record<string, number> = {
  '08:00': 0.45,
  '08:30': 0.6,
  '09:00': 0.85,
  '09:30': 1.15,
  '10:00': 1.3,
  '10:30': 1.3,
  '11:00': 1.2,
  '11:30': 1.0,
  '12:00': 0.85,
  '12:30': 0.8,
  '13:00': 0.8,
  '13:30': 0.85,
  '14:00': 0.9,
  '14:30': 0.95,
  '15:00': 1.0,
  '15:30': 1.15,
  '16:00': 1.25,
  '16:30': 1.25,
  '17:00': 1.1,
  '17:30': 0.85,
  '18:00': 0.6,
  '18:30': 0.45,
  '19:00': 0.35,
  '19:30': 0.25,
};

export const DEFAULT_DAY_OF_WEEK = { mon: 1.3, tue: 1.1, wed: 1.0, thu: 1.0, fri: 0.9, sat: 0.45, sun: 0 };

export const calendarSchema = z
  .strictObject({
    timezone: z
      .string()
      .default('Europe/London')
      .refine(
        (tz) => {
          try {
            new Intl.DateTimeFormat('en-GB', { timeZone: tz });
            return true;
          } catch {
            return false;
          }
        },
        { message: 'unknown IANA timezone (e.g. "Europe/London", "Europe/Dublin")' },
      ),
    /** The month the stage's monthly volume is spread over. */
    month: z
      .string()
      .regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'expected a month as YYYY-MM (e.g. "2026-03")')
      .default('2026-03'),
    businessHours: z
      .strictObject({ open: slotTime.default('08:00'), close: slotTime.default('20:00') })
      .refine((h) => h.open < h.close, {
        message: 'open must be before close',
        path: ['close'],
        when: onlyIfValid,
      })
      .prefault({}),
    /** Relative volume by day of week (Monday ≈ 1.3 × an average weekday). 0 closes the day. */
    dayOfWeek: z
      .strictObject({
        mon: z.number().min(0),
        tue: z.number().min(0),
        wed: z.number().min(0),
        thu: z.number().min(0),
        fri: z.number().min(0),
        sat: z.number().min(0),
        sun: z.number().min(0),
      })
      .default(DEFAULT_DAY_OF_WEEK)
      .refine((d) => Object.values(d).some((v) => v > 0), {
        message: 'at least one day needs a weight above 0',
      }),
    /** Relative volume by 30-minute slot start (local time). Slots not listed carry no calls. */
    intraday: z
      .record(slotTime, z.number().min(0))
      .default(DEFAULT_INTRADAY)
      .refine((m) => Object.values(m).some((v) => v > 0), {
        message: 'at least one slot needs a weight above 0',
      }),
    peaks: z
      .array(peakSchema)
      .default([{ name: 'monday-morning', multiplier: 1.35, days: ['mon'], from: '08:00', to: '11:00' }]),
  })
  .superRefine(
    (c, ctx) => {
      const names = new Set<string>();
      c.peaks.forEach((p, i) => {
        if (names.has(p.name))
          ctx.addIssue({ code: 'custom', message: `duplicate peak "${p.name}"`, path: ['peaks', i, 'name'] });
        names.add(p.name);
      });
      const open = Object.entries(c.intraday).filter(
        ([slot, w]) => w > 0 && slot >= c.businessHours.open && slot < c.businessHours.close,
      );
      if (open.length === 0) {
        ctx.addIssue({
          code: 'custom',
          message: `no intraday slot with weight above 0 falls inside business hours ${c.businessHours.open}–${c.businessHours.close}`,
          path: ['intraday'],
        });
      }
    },
    { when: onlyIfValid },
  );

export type Peak = z.infer<typeof peakSchema>;
export type Calendar = z.infer<typeof calendarSchema>;
