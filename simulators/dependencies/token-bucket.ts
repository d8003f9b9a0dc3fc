import type { Clock } from './faults/fault-type.ts';

export interface TokenBucketOptions {
  /** Tokens added per second. */
  readonly ratePerSecond: number;
  /** Capacity: how many requests may pass at once after a quiet spell. The bucket starts full. */
  readonly burst: number;
  readonly clock?: Clock;
}

/** The classic token bucket: continuous refill, integer spending. */
export class TokenBucket {
  readonly ratePerSecond: number;
  readonly burst: number;
  private readonly clock: Clock;
  private level: number;
  private updatedAt: number;

  constructor(options: TokenBucketOptions) {
    if (!(options.ratePerSecond > 0) || !(options.burst >= 1)) {
      throw new RangeError(
        `token bucket needs ratePerSecond > 0 and burst >= 1, got ${options.ratePerSecond}/${options.burst}`,
      );
    }
    this.ratePerSecond = options.ratePerSecond;
    this.burst = options.burst;
    this.clock = options.clock ?? (() => performance.now());
    this.level = options.burst;
    this.updatedAt = this.clock();
  }

  /** Tokens available now (fractional). */
  get tokens(): number {
    this.refill();
    return this.level;
  }

  /** Spends `count` tokens if they are there; false (and nothing spent) if not. */
  take(count = 1): boolean {
    this.refill();
    if (this.level < count) return false;
    this.level -= count;
    return true;
  }

  /** Milliseconds until `count` tokens will be available (0 if they are now). */
  msUntilTokens(count = 1): number {
    this.refill();
    const missing = count - this.level;
    return missing <= 0 ? 0 : (missing / this.ratePerSecond) * 1000;
  }

  private refill(): void {
    const now = this.clock();
    const elapsed = Math.max(0, now - this.updatedAt);
    this.updatedAt = now;
    this.level = Math.min(this.burst, this.level + (elapsed / 1000) * this.ratePerSecond);
  }
}
