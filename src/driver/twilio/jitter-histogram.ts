/** Bucket width (ms) and range of a JitterHistogram; values beyond the range land in the last bucket. */
const BUCKET_MS = 0.25;
const BUCKETS = 1_000;

/**
 * A small fixed-bucket histogram of jitter values in milliseconds (0.25 ms buckets up to 250 ms,
 * 4 KB), cheap enough to keep one per call at 50 values a second: percentiles to a quarter of a
 * millisecond, the exact maximum.
 */
export class JitterHistogram {
  readonly #counts = new Uint32Array(BUCKETS);
  #count = 0;
  #max = 0;
  #min = Number.POSITIVE_INFINITY;

  get count(): number {
    return this.#count;
  }

  get max(): number {
    return this.#max;
  }

  /** The smallest value recorded (Infinity when empty). */
  get min(): number {
    return this.#min;
  }

  record(ms: number): void {
    if (!Number.isFinite(ms)) return;
    const v = Math.max(0, ms);
    this.#counts[Math.min(BUCKETS - 1, Math.floor(v / BUCKET_MS))]!++;
    this.#count++;
    if (v > this.#max) this.#max = v;
    if (v < this.#min) this.#min = v;
  }

  /** The value at or below which `p` % of the values lie (the bucket's upper edge), or null when empty. */
  percentile(p: number): number | null {
    if (this.#count === 0) return null;
    const rank = Math.max(1, Math.ceil((p / 100) * this.#count));
    let seen = 0;
    for (let i = 0; i < BUCKETS; i++) {
      seen += this.#counts[i]!;
      if (seen >= rank) return i === BUCKETS - 1 ? this.#max : Math.min(this.#max, (i + 1) * BUCKET_MS);
    }
    return this.#max;
  }

  /** Adds another histogram's values to this one, each less `minusMs` (to the bucket; never below 0). */
  add(other: JitterHistogram, minusMs = 0): void {
    if (other.#count === 0) return;
    const shift = Math.floor(Math.max(0, minusMs) / BUCKET_MS);
    for (let i = 0; i < BUCKETS; i++) {
      const n = other.#counts[i]!;
      if (n > 0) this.#counts[Math.max(0, i - shift)]! += n;
    }
    this.#count += other.#count;
    this.#max = Math.max(this.#max, other.#max - minusMs);
    this.#min = Math.min(this.#min, Math.max(0, other.#min - minusMs));
  }

  reset(): void {
    this.#counts.fill(0);
    this.#count = 0;
    this.#max = 0;
    this.#min = Number.POSITIVE_INFINITY;
  }
}
