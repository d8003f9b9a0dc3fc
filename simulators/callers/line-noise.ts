import type { Random } from '../seeded-random.ts';

/**
 * The background a caller is heard against. Stationary coloured noise — white (flat), pink (−3 dB
 * an octave: rooms, offices, streets) or brown (−6 dB an octave: a car's rumble) — high-passed at
 * ~40 Hz so it carries no DC, scaled to exactly unit RMS. Seeded, so an utterance's noise is the
 * same every time it is rendered. It is not babble, traffic or a TV: no other voice, no transients.
 */
export type NoiseSpectrum = 'white' | 'pink' | 'brown';

const SQRT3 = Math.sqrt(3);

/** `length` samples of unit-RMS noise at `rate`. */
export function lineNoise(rng: Random, length: number, rate: number, spectrum: NoiseSpectrum): Float32Array {
  const out = new Float32Array(length);
  // Pink: Paul Kellet's economy filter; brown: a leaky integrator. Both on near-Gaussian white noise
  // (a sum of four uniforms: cheap, and its spectrum is as flat).
  let b0 = 0;
  let b1 = 0;
  let b2 = 0;
  let brown = 0;
  const leak = Math.exp((-2 * Math.PI * 20) / rate);
  // One-pole high-pass at ~40 Hz.
  const hp = Math.exp((-2 * Math.PI * 40) / rate);
  let prevIn = 0;
  let prevOut = 0;
  for (let i = 0; i < length; i++) {
    const white = (rng() + rng() + rng() + rng() - 2) * SQRT3;
    let v: number;
    if (spectrum === 'white') v = white;
    else if (spectrum === 'pink') {
      b0 = 0.99765 * b0 + white * 0.099046;
      b1 = 0.963 * b1 + white * 0.2965164;
      b2 = 0.57 * b2 + white * 1.0526913;
      v = b0 + b1 + b2 + white * 0.1848;
    } else {
      brown = leak * brown + white;
      v = brown;
    }
    const y = hp * (prevOut + v - prevIn);
    prevIn = v;
    prevOut = y;
    out[i] = y;
  }
  let sum = 0;
  for (let i = 0; i < length; i++) sum += out[i]! * out[i]!;
  const rms = Math.sqrt(sum / Math.max(1, length));
  if (rms > 0) for (let i = 0; i < length; i++) out[i]! /= rms;
  return out;
}
