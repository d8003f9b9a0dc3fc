/**
 * Power spectrum of a real frame by an iterative radix-2 FFT. The frame's N real samples are packed
 * as N/2 complex ones, transformed, and unpacked (the usual real-FFT split), so a frame costs one
 * N/2-point complex FFT. Twiddles and the bit-reversal table are built once per size.
 */
export class PowerSpectrum {
  readonly size: number;
  readonly #half: number;
  readonly #rev: Uint32Array;
  readonly #cos: Float64Array;
  readonly #sin: Float64Array;
  readonly #re: Float64Array;
  readonly #im: Float64Array;

  constructor(size: number) {
    if (size < 4 || (size & (size - 1)) !== 0)
      throw new RangeError(`FFT size ${size} is not a power of two ≥ 4`);
    this.size = size;
    const half = size >> 1;
    this.#half = half;
    const bits = Math.log2(half);
    this.#rev = new Uint32Array(half);
    for (let i = 0; i < half; i++) {
      let r = 0;
      for (let b = 0; b < bits; b++) r |= ((i >> b) & 1) << (bits - 1 - b);
      this.#rev[i] = r;
    }
    // e^{-2πik/N} for k < N/2: the N/2-point FFT uses every other one, the unpacking all of them.
    this.#cos = new Float64Array(half);
    this.#sin = new Float64Array(half);
    for (let k = 0; k < half; k++) {
      this.#cos[k] = Math.cos((2 * Math.PI * k) / size);
      this.#sin[k] = -Math.sin((2 * Math.PI * k) / size);
    }
    this.#re = new Float64Array(half);
    this.#im = new Float64Array(half);
  }

  /**
   * |X[k]|² for k = 0 … N/2 of the real frame `input[from … from+N)` times `window` (length N),
   * written into `out` (length ≥ N/2 + 1).
   */
  compute(input: Float32Array, from: number, window: Float32Array, out: Float64Array): void {
    const half = this.#half;
    const re = this.#re;
    const im = this.#im;
    const rev = this.#rev;
    for (let i = 0; i < half; i++) {
      const j = rev[i]!;
      re[j] = input[from + 2 * i]! * window[2 * i]!;
      im[j] = input[from + 2 * i + 1]! * window[2 * i + 1]!;
    }
    const cos = this.#cos;
    const sin = this.#sin;
    for (let len = 2; len <= half; len <<= 1) {
      const step = (half / len) * 2; // twiddle stride in the N-point table
      const h = len >> 1;
      for (let start = 0; start < half; start += len) {
        for (let k = 0; k < h; k++) {
          const wr = cos[k * step]!;
          const wi = sin[k * step]!;
          const a = start + k;
          const b = a + h;
          const tr = re[b]! * wr - im[b]! * wi;
          const ti = re[b]! * wi + im[b]! * wr;
          re[b] = re[a]! - tr;
          im[b] = im[a]! - ti;
          re[a] = re[a]! + tr;
          im[a] = im[a]! + ti;
        }
      }
    }
    // Unpack: X[k] = (Z[k] + conj Z[N/2−k]) / 2 + e^{-2πik/N} (Z[k] − conj Z[N/2−k]) / 2i.
    out[0] = (re[0]! + im[0]!) ** 2;
    out[half] = (re[0]! - im[0]!) ** 2;
    for (let k = 1; k < half; k++) {
      const zr = re[k]!;
      const zi = im[k]!;
      const cr = re[half - k]!;
      const ci = -im[half - k]!;
      const er = (zr + cr) / 2;
      const ei = (zi + ci) / 2;
      const orr = (zi - ci) / 2;
      const oi = -(zr - cr) / 2;
      const wr = cos[k]!;
      const wi = sin[k]!;
      const xr = er + (orr * wr - oi * wi);
      const xi = ei + (orr * wi + oi * wr);
      out[k] = xr * xr + xi * xi;
    }
  }
}

/** A Hann window of length n (periodic). */
export function hannWindow(n: number): Float32Array {
  const w = new Float32Array(n);
  for (let i = 0; i < n; i++) w[i] = 0.5 - 0.5 * Math.cos((2 * Math.PI * i) / n);
  return w;
}
