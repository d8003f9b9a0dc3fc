import { hannWindow, PowerSpectrum } from '../../src/audio/fft.ts';
import { Resampler } from '../../src/audio/resampler.ts';

/**
 * An audio fingerprint in the manner of Haitsma & Kalker (Philips, 2002), tuned for telephone
 * speech: the audio is brought to 8 kHz, cut into 64 ms Hann frames every 8 ms, and each frame's
 * energy in 33 bands spaced logarithmically over 300–3,400 Hz gives one 32-bit word: bit b is set
 * when the energy difference between bands b and b+1 grew since the previous frame. Differences of
 * log energies ignore gain; 8 kHz analysis ignores the sample rate the audio came at; the bands
 * ignore G.711's quantisation and resampling filters; the frames' 7/8 overlap absorbs where a
 * chunk or segment starts. Frames too quiet to carry information are flagged unusable.
 */
export const FINGERPRINT_RATE = 8_000;
export const FRAME_SAMPLES = 512;
export const HOP_SAMPLES = 64;
export const HOP_MS = (HOP_SAMPLES * 1000) / FINGERPRINT_RATE;
const BANDS = 33;
const LOW_HZ = 300;
const HIGH_HZ = 3_400;
/** A frame whose band energy is below this (dBFS, PCM16 full scale) carries no usable bits. */
const QUIET_DBFS = -68;

const WINDOW = hannWindow(FRAME_SAMPLES);
const EDGES: Int32Array = (() => {
  const edges = new Int32Array(BANDS + 1);
  const binHz = FINGERPRINT_RATE / FRAME_SAMPLES;
  for (let b = 0; b <= BANDS; b++) {
    const hz = LOW_HZ * (HIGH_HZ / LOW_HZ) ** (b / BANDS);
    edges[b] = Math.round(hz / binHz);
  }
  return edges;
})();
/** Band energy (Σ|X|² over the bands) of white noise at QUIET_DBFS: E|X_k|² = σ² Σ w² per bin. */
const QUIET_ENERGY = (() => {
  let w2 = 0;
  for (const w of WINDOW) w2 += w * w;
  const sigma = 32_768 * 10 ** (QUIET_DBFS / 20);
  return w2 * sigma * sigma * (EDGES[BANDS]! - EDGES[0]!);
})();

/**
 * Streams audio (PCM16 at any rate) into fingerprint words. `words[i]` and `usable[i]` describe the
 * frame starting at 8 kHz sample `i × HOP_SAMPLES` of the stream.
 */
export class FingerprintStream {
  readonly sampleRate: number;
  readonly #resampler: Resampler | null;
  readonly #spectrum = new PowerSpectrum(FRAME_SAMPLES);
  readonly #power = new Float64Array(FRAME_SAMPLES / 2 + 1);
  #buf = new Float32Array(FRAME_SAMPLES * 4);
  #length = 0;
  /** 8 kHz sample number of #buf[0]. */
  #base = 0;
  #frames = 0;
  #words = new Uint32Array(256);
  #usable = new Uint8Array(256);
  #prev = new Float64Array(BANDS);
  #energy = new Float64Array(BANDS);
  #prevOk = false;
  /** 8 kHz samples received so far. */
  #received = 0;

  constructor(sampleRate: number) {
    if (!Number.isInteger(sampleRate) || sampleRate < 4_000)
      throw new RangeError(`fingerprint audio must be at 4 kHz or more, got ${sampleRate} Hz`);
    this.sampleRate = sampleRate;
    this.#resampler =
      sampleRate === FINGERPRINT_RATE ? null : new Resampler(sampleRate, FINGERPRINT_RATE, { halfTaps: 4 });
  }

  /** Frames computed so far. */
  get frames(): number {
    return this.#frames;
  }

  /** 8 kHz samples the stream has received (before the resampler's look-ahead). */
  get samples8k(): number {
    return this.#received;
  }

  get words(): Uint32Array {
    return this.#words.subarray(0, this.#frames);
  }

  get usable(): Uint8Array {
    return this.#usable.subarray(0, this.#frames);
  }

  push(samples: Int16Array): void {
    const at8k = this.#resampler ? this.#resampler.push(samples) : samples;
    this.#append(at8k);
  }

  /** The stream ended: the resampler's tail, so the last frames are computed. */
  end(): void {
    if (this.#resampler) this.#append(this.#resampler.flush());
  }

  #append(samples: Int16Array): void {
    this.#received += samples.length;
    if (this.#length + samples.length > this.#buf.length) {
      const grown = new Float32Array(Math.max(this.#buf.length * 2, this.#length + samples.length));
      grown.set(this.#buf.subarray(0, this.#length));
      this.#buf = grown;
    }
    this.#buf.set(samples, this.#length);
    this.#length += samples.length;
    for (;;) {
      const start = this.#frames * HOP_SAMPLES - this.#base;
      if (start + FRAME_SAMPLES > this.#length) break;
      this.#frame(start);
    }
    const keep = this.#frames * HOP_SAMPLES - this.#base;
    if (keep > 0) {
      this.#buf.copyWithin(0, keep, this.#length);
      this.#length -= keep;
      this.#base += keep;
    }
  }

  #frame(start: number): void {
    this.#spectrum.compute(this.#buf, start, WINDOW, this.#power);
    const p = this.#power;
    const energy = this.#energy;
    let total = 0;
    for (let b = 0; b < BANDS; b++) {
      let e = 0;
      for (let k = EDGES[b]!; k < EDGES[b + 1]!; k++) e += p[k]!;
      total += e;
      energy[b] = Math.log(e + 1e-3);
    }
    const ok = total >= QUIET_ENERGY;
    let word = 0;
    const prev = this.#prev;
    for (let b = 0; b < BANDS - 1; b++) {
      const d = energy[b]! - energy[b + 1]! - (prev[b]! - prev[b + 1]!);
      if (d > 0) word |= 1 << b;
    }
    if (this.#frames === this.#words.length) {
      const words = new Uint32Array(this.#words.length * 2);
      words.set(this.#words);
      this.#words = words;
      const usable = new Uint8Array(this.#usable.length * 2);
      usable.set(this.#usable);
      this.#usable = usable;
    }
    this.#words[this.#frames] = word >>> 0;
    this.#usable[this.#frames] = ok && this.#prevOk ? 1 : 0;
    this.#frames++;
    this.#energy = prev;
    this.#prev = energy;
    this.#prevOk = ok;
  }
}

/** Fingerprint of a whole buffer. */
export function fingerprintOf(
  samples: Int16Array,
  sampleRate: number,
): { readonly words: Uint32Array; readonly usable: Uint8Array } {
  const stream = new FingerprintStream(sampleRate);
  stream.push(samples);
  stream.end();
  return { words: stream.words.slice(), usable: stream.usable.slice() };
}

/** Number of set bits of a 32-bit word. */
export function popcount(x: number): number {
  let v = x - ((x >>> 1) & 0x55555555);
  v = (v & 0x33333333) + ((v >>> 2) & 0x33333333);
  return (((v + (v >>> 4)) & 0x0f0f0f0f) * 0x01010101) >>> 24;
}
