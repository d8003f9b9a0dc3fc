import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { isoInstant } from '../../../simulators/callers/iso-instant.ts';

describe('isoInstant', () => {
  test('writes what Date#toISOString writes for any whole millisecond of years 1–9999', () => {
    fc.assert(
      fc.property(fc.integer({ min: -62_135_596_800_000, max: 253_402_300_799_999 }), (ms) => {
        expect(isoInstant(ms)).toBe(new Date(ms).toISOString());
      }),
      { numRuns: 2_000, seed: 20261124 },
    );
  });

  test('consecutive instants across midnight, the epoch and a DST change keep their dates apart', () => {
    for (const start of [Date.UTC(2026, 2, 28, 23, 59, 59, 998), -2, Date.UTC(2026, 9, 25, 0, 59, 59, 999)]) {
      for (let ms = start; ms < start + 4; ms++) expect(isoInstant(ms)).toBe(new Date(ms).toISOString());
    }
  });

  test('falls back to Date for expanded years and fractions of a millisecond', () => {
    for (const ms of [-62_135_596_800_001, 253_402_300_800_000, 8.64e15, 1_700_000_000_000.5]) {
      expect(isoInstant(ms)).toBe(new Date(ms).toISOString());
    }
  });
});
