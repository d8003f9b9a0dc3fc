import fc from 'fast-check';
import { expect, test } from 'vitest';
import { Resampler, resample } from '../../src/audio/resampler.ts';

function sine(rate: number, hz: number, ms: number, amplitude = 10_000): Int16Array {
  const n = Math.round((rate * ms) / 1000);
  return Int16Array.from({ length: n }, (_, i) =>
    Math.round(amplitude * Math.sin((2 * Math.PI * hz * i) / rate)),
  );
}

/** Amplitude of `hz` in the signal (single-bin DFT), skipping the edges. */
function toneAmplitude(x: Int16Array, rate: number, hz: number): number {
  const from = Math.floor(x.length * 0.1);
  const to = Math.floor(x.length * 0.9);
  let re = 0;
  let im = 0;
  for (let i = from; i < to; i++) {
    re += x[i]! * Math.cos((2 * Math.PI * hz * i) / rate);
    im += x[i]! * Math.sin((2 * Math.PI * hz * i) / rate);
  }
  return (2 * Math.hypot(re, im)) / (to - from);
}

test.each([
  [8000, 16000],
  [16000, 8000],
  [8000, 24000],
  [48000, 8000],
  [24000, 16000],
  [8000, 44100],
])('%i Hz → %i Hz keeps a 440 Hz tone and scales the length', (from, to) => {
  const x = sine(from, 440, 500);
  const y = resample(x, from, to);
  expect(y.length).toBe(Math.ceil((x.length * to) / from));
  expect(toneAmplitude(y, to, 440)).toBeGreaterThan(9_800);
  expect(toneAmplitude(y, to, 440)).toBeLessThan(10_200);
});

test('downsampling removes what the lower rate cannot carry (a 6 kHz tone from 16 to 8 kHz)', () => {
  const y = resample(sine(16000, 6000, 500), 16000, 8000);
  let energy = 0;
  for (const v of y.subarray(200, y.length - 200)) energy += v * v;
  expect(Math.sqrt(energy / (y.length - 400))).toBeLessThan(200); // > 30 dB down from 7,071 rms
});

test('streaming in any chunks gives the same samples as one call', () => {
  const x = sine(8000, 700, 300);
  const whole = resample(x, 8000, 16000);
  fc.assert(
    fc.property(fc.array(fc.integer({ min: 1, max: 500 }), { minLength: 1, maxLength: 40 }), (sizes) => {
      const r = new Resampler(8000, 16000);
      const parts: number[] = [];
      let at = 0;
      for (const size of sizes) {
        if (at >= x.length) break;
        parts.push(...r.push(x.subarray(at, at + size)));
        at += size;
      }
      if (at < x.length) parts.push(...r.push(x.subarray(at)));
      parts.push(...r.flush());
      expect(parts).toEqual([...whole]);
    }),
    { numRuns: 50 },
  );
});
