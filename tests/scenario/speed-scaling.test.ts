import fc from 'fast-check';
import { expect, test } from 'vitest';
import { faultRegistry, faultTypeNames } from '../../simulators/dependencies/faults/fault-registry.ts';
import { inWallTime } from '../../src/chaos/fault-applier.ts';
import { toWallTime } from '../../src/scenario/speed-scaling.ts';

const speed = fc.double({ min: 0.01, max: 10_000, noNaN: true });
const value = fc.double({ min: 0, max: 1e6, noNaN: true });

test('rates multiply by the speed, durations divide by it, everything else is left as it is', () => {
  fc.assert(
    fc.property(speed, value, value, value, fc.string(), (s, rate, duration, other, text) => {
      const { params, scaled } = toWallTime(
        { rate, duration, other, text },
        { rate: 'rate', duration: 'duration' },
        s,
      );
      expect(params).toEqual({ rate: rate * s, duration: duration / s, other, text });
      // One scenario second at speed s lasts 1/s wall seconds: as many events per scenario second.
      expect((params['rate'] as number) / s).toBeCloseTo(rate, 6);
      expect(Object.keys(scaled).sort()).toEqual(s === 1 ? [] : ['duration', 'rate']);
    }),
  );
});

test('a scaled parameter left out scales from its default; one that is not a number is left alone', () => {
  expect(toWallTime({}, { holdMs: 'duration' }, 10, { holdMs: 60_000 }).params).toEqual({ holdMs: 6000 });
  expect(toWallTime({ rps: 'many' }, { rps: 'rate' }, 10).params).toEqual({ rps: 'many' });
  expect(toWallTime({ rps: 5 }, undefined, 10).params).toEqual({ rps: 5 });
});

test('the framework scales what each fault type declares, by the declaration, not by its name', () => {
  expect(faultRegistry['rate-limit'].scalesWithSpeed).toEqual({ rps: 'rate' });
  for (const type of faultTypeNames) {
    const declared = Object.keys(faultRegistry[type].scalesWithSpeed ?? {});
    const params = { rps: 2, burst: 3, ms: 800, jitter: 10, rate: 0.5, afterChars: 40, targetMean: 0.4 };
    const out = inWallTime({ type, params, probability: 1 }, 120).params;
    for (const [key, v] of Object.entries(params)) {
      expect(out[key]).toBe(declared.includes(key) ? v * 120 : v);
    }
  }
});
