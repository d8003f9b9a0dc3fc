import { z } from 'zod';

/** `09:30`: a time of day on the 30-minute grid the calendar is built on. */
export const slotTime = z
  .string()
  .regex(/^([01]\d|2[0-3]):(00|30)$/, 'expected a time on the half hour, HH:00 or HH:30 (e.g. "09:30")');

/** `HH:MM`, any minute. */
export const clockTime = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'expected a time of day HH:MM');

export const identifier = z
  .string()
  .regex(/^[a-z][a-z0-9-]*$/, 'expected a lower-case id of letters, digits and dashes (e.g. "west-country")');

export const intentName = z
  .string()
  .regex(/^[a-z][a-z0-9_]*$/, 'expected a snake_case intent name (e.g. "payment_arrangement")');

export const probability = z
  .number()
  .min(0, 'expected a probability in [0, 1]')
  .max(1, 'expected a probability in [0, 1]');

/** A lognormal distribution given by its median and 90th percentile, both in milliseconds. */
export const durationDistribution = z
  .strictObject({
    medianMs: z.number().positive(),
    p90Ms: z.number().positive(),
  })
  .refine((d) => d.p90Ms >= d.medianMs, { message: 'p90Ms must be at least medianMs', path: ['p90Ms'] });

export const WEIGHT_TOLERANCE = 0.001;

function round(n: number): number {
  return Math.round(n * 1000) / 1000;
}

/** A categorical mix: id → weight, weights summing to 1. */
export function weightMix(what: string) {
  return z.record(identifier, z.number().min(0, 'weights cannot be negative')).superRefine((mix, ctx) => {
    const entries = Object.values(mix);
    if (entries.length === 0) {
      ctx.addIssue({ code: 'custom', message: `expected at least one ${what} with a weight` });
      return;
    }
    const sum = entries.reduce((a, b) => a + b, 0);
    if (Math.abs(sum - 1) > WEIGHT_TOLERANCE) {
      ctx.addIssue({ code: 'custom', message: `weights sum to ${round(sum)}, expected 1` });
    }
  });
}

/** Days of the week as used in calendars and peaks. */
export const weekday = z.enum(['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun']);
export type Weekday = z.infer<typeof weekday>;
export const weekdays: readonly Weekday[] = weekday.options;

/** For `.refine(…, { when: onlyIfValid })`: cross-field checks run only once the fields themselves are valid. */
export function onlyIfValid(payload: { issues: readonly unknown[] }): boolean {
  return payload.issues.length === 0;
}
