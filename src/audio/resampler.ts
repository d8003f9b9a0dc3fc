/**
 * Sample-rate conversion between any two integer rates (8, 16, 22.05, 24, 44.1, 48 kHz, …):
 * polyphase windowed-sinc (Blackman), DC gain 1, cutoff at the lower rate's Nyquist. `Resampler`
 * streams (chunks in, chunks out, state kept between them; the output lags by `halfTaps` input
 * samples until `flush()`); `resample` converts a whole buffer with no lag.
 */

function gcd(a: number, b: number): number {
  let x = a;
  let y = b;
  while (y !== 0) [x, y] = [y, x % y];
  return x;
}

function sinc(x: number): number {
  if (x === 0) return 1;
  const px = Math.PI * x;
  return Math.sin(px) / px;
}

export interface ResamplerOptions {
  /** Filter half-length in output-rate zero crossings (default 16; 4–8 is enough for level meters). */
  readonly halfTaps?: number;
}

export class Resampler {
  readonly fromRate: number;
  readonly toRate: number;
  readonly #up: number;
  readonly #down: number;
  readonly #half: number;
  /** coefficients[phase * width + j]. */
  readonly #coefficients: Float32Array;
  readonly #width: number;
  /** Pending input; buf[0] is input sample number #base. */
  #buf: Float32Array;
  #length = 0;
  #base: number;
  /** Next output sample number. */
  #next = 0;
  #inputSeen = 0;

  constructor(fromRate: number, toRate: number, options: ResamplerOptions = {}) {
    if (!Number.isInteger(fromRate) || !Number.isInteger(toRate) || fromRate <= 0 || toRate <= 0)
      throw new RangeError(`sample rates must be positive integers, got ${fromRate} → ${toRate}`);
    this.fromRate = fromRate;
    this.toRate = toRate;
    const g = gcd(fromRate, toRate);
    this.#up = toRate / g;
    this.#down = fromRate / g;
    const cutoff = Math.min(1, toRate / fromRate);
    this.#half = Math.ceil((options.halfTaps ?? 16) / cutoff);
    this.#width = 2 * this.#half;
    this.#coefficients = new Float32Array(this.#up * this.#width);
    for (let p = 0; p < this.#up; p++) {
      let sum = 0;
      for (let j = 0; j < this.#width; j++) {
        const d = p / this.#up + this.#half - 1 - j;
        const u = d / this.#half;
        const w =
          Math.abs(u) >= 1 ? 0 : 0.42 + 0.5 * Math.cos(Math.PI * u) + 0.08 * Math.cos(2 * Math.PI * u);
        const c = cutoff * sinc(cutoff * d) * w;
        this.#coefficients[p * this.#width + j] = c;
        sum += c;
      }
      for (let j = 0; j < this.#width; j++) this.#coefficients[p * this.#width + j]! /= sum || 1;
    }
    // Zeros before the first sample, so output 0 sits on input 0.
    this.#base = -this.#half;
    this.#buf = new Float32Array(Math.max(1024, this.#width * 2));
    this.#length = this.#half;
  }

  /** Resamples the next chunk; returns what can be computed so far. */
  push(input: Int16Array | Float32Array): Int16Array {
    this.#append(input);
    this.#inputSeen += input.length;
    return this.#drain();
  }

  /** Ends the stream: the remaining output, as if the input were followed by silence. */
  flush(): Int16Array {
    const expected = Math.ceil((this.#inputSeen * this.#up) / this.#down);
    const before = this.#next;
    this.#append(new Float32Array(this.#width));
    const rest = this.#drain();
    return rest.subarray(0, Math.max(0, Math.min(rest.length, expected - before)));
  }

  #append(input: Int16Array | Float32Array): void {
    if (this.#length + input.length > this.#buf.length) {
      const grown = new Float32Array(Math.max(this.#buf.length * 2, this.#length + input.length));
      grown.set(this.#buf.subarray(0, this.#length));
      this.#buf = grown;
    }
    this.#buf.set(input, this.#length);
    this.#length += input.length;
  }

  #drain(): Int16Array {
    const up = this.#up;
    const down = this.#down;
    const width = this.#width;
    const c = this.#coefficients;
    const buf = this.#buf;
    const end = this.#base + this.#length; // first input index not yet received
    const out: number[] = [];
    for (;;) {
      const position = this.#next * down;
      const i0 = Math.floor(position / up);
      const phase = position - i0 * up;
      const first = i0 - this.#half + 1;
      if (first + width > end) break;
      let acc = 0;
      const offset = first - this.#base;
      const row = phase * width;
      for (let j = 0; j < width; j++) acc += buf[offset + j]! * c[row + j]!;
      const v = Math.round(acc);
      out.push(v > 32_767 ? 32_767 : v < -32_768 ? -32_768 : v);
      this.#next++;
    }
    // Drop input no future output needs.
    const nextFirst = Math.floor((this.#next * down) / up) - this.#half + 1;
    const drop = Math.max(0, Math.min(this.#length, nextFirst - this.#base));
    if (drop > 0) {
      buf.copyWithin(0, drop, this.#length);
      this.#length -= drop;
      this.#base += drop;
    }
    return Int16Array.from(out);
  }
}

/** Converts a whole buffer from one rate to another (length scales by the ratio, rounded up). */
export function resample(
  samples: Int16Array,
  fromRate: number,
  toRate: number,
  options?: ResamplerOptions,
): Int16Array {
  if (fromRate === toRate) return samples.slice();
  const r = new Resampler(fromRate, toRate, options);
  const head = r.push(samples);
  const tail = r.flush();
  const out = new Int16Array(head.length + tail.length);
  out.set(head);
  out.set(tail, head.length);
  return out;
}
