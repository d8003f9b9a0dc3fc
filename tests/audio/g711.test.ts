import fc from 'fast-check';
import { expect, test } from 'vitest';
import { alawToPcm, mulawToPcm, pcmToAlaw, pcmToMulaw } from '../../src/audio/g711.ts';

// Reference bytes from CPython's audioop (the CCITT/Sun G.711 reference coder) for these samples.
const SAMPLES = [
  -32768, -32767, -20000, -8159, -4000, -1000, -100, -33, -32, -5, -1, 0, 1, 2, 5, 31, 32, 33, 100, 255, 256,
  1000, 4000, 8158, 8159, 8160, 12345, 20000, 32766, 32767,
];
const MULAW = [
  0, 0, 12, 31, 47, 78, 114, 122, 123, 126, 126, 255, 255, 255, 254, 251, 251, 251, 242, 231, 231, 206, 175,
  159, 159, 159, 151, 140, 128, 128,
];
const ALAW = [
  42, 42, 38, 10, 26, 122, 83, 87, 84, 85, 85, 213, 213, 213, 213, 212, 215, 215, 211, 218, 197, 250, 154,
  138, 138, 138, 189, 166, 170, 170,
];

test('μ-law and A-law encode as the G.711 reference coder does', () => {
  const pcm = Int16Array.from(SAMPLES);
  expect([...pcmToMulaw(pcm)]).toEqual(MULAW);
  expect([...pcmToAlaw(pcm)]).toEqual(ALAW);
});

test('silence bytes decode to (near) zero', () => {
  expect(mulawToPcm(Uint8Array.of(0xff))[0]).toBe(0);
  expect(Math.abs(alawToPcm(Uint8Array.of(0xd5))[0]!)).toBeLessThanOrEqual(8);
});

test('decode ∘ encode stays within the codec step of every sample', () => {
  fc.assert(
    fc.property(fc.integer({ min: -32768, max: 32767 }), (x) => {
      const pcm = Int16Array.of(x);
      const step = (v: number) => Math.max(32, Math.abs(v) / 8); // ~4 bits of mantissa per segment
      expect(Math.abs(mulawToPcm(pcmToMulaw(pcm))[0]! - x)).toBeLessThanOrEqual(step(x) + 4);
      expect(Math.abs(alawToPcm(pcmToAlaw(pcm))[0]! - x)).toBeLessThanOrEqual(step(x) + 4);
    }),
  );
});

test('encode ∘ decode is the identity on every byte (both laws)', () => {
  const bytes = Uint8Array.from({ length: 256 }, (_, i) => i);
  const mu = pcmToMulaw(mulawToPcm(bytes));
  const a = pcmToAlaw(alawToPcm(bytes));
  // μ-law has two zeros (0x7f and 0xff); every other byte comes back as itself.
  for (let i = 0; i < 256; i++) {
    if (i !== 0x7f) expect(mu[i]).toBe(i);
    expect(a[i]).toBe(i);
  }
});
