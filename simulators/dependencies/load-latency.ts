import { lognormal, type Random } from '../seeded-random.ts';

export interface LoadLatencyOptions {
  /** Median service time with nothing else in flight, ms. 0 turns the model off. */
  readonly medianMs: number;
  /** 90th percentile of that service time, ms (≥ median). */
  readonly p90Ms: number;
  /**
   * Concurrency at which the service time has doubled: each request in flight adds
   * `1 / capacity` to the multiplier (a queue that never sheds load).
   */
  readonly capacity: number;
}

export const defaultCrmLatency: LoadLatencyOptions = { medianMs: 40, p90Ms: 120, capacity: 16 };

/** One request's share of the model: its drawn delay and the hand-back when it has finished. */
export interface LatencyTicket {
  readonly delayMs: number;
  /** How many other requests were in flight when this one arrived. */
  readonly inFlight: number;
  done(): void;
}

/**
 * Service time that grows with load: a lognormal base (median, p90) multiplied by
 * `1 + inFlight / capacity`, where inFlight counts the other requests being served.
 */
export class LoadLatency {
  private readonly options: LoadLatencyOptions;
  private active = 0;

  constructor(options: LoadLatencyOptions = defaultCrmLatency) {
    if (options.medianMs < 0 || options.p90Ms < options.medianMs || !(options.capacity > 0)) {
      throw new RangeError('load latency needs 0 ≤ median ≤ p90 and capacity > 0');
    }
    this.options = options;
  }

  /** No added latency at any load (benchmarks of the harness itself). */
  static zero(): LoadLatency {
    return new LoadLatency({ medianMs: 0, p90Ms: 0, capacity: 1 });
  }

  get inFlight(): number {
    return this.active;
  }

  /** The delay a request arriving when `inFlight` others are being served would get. */
  delayAt(inFlight: number, rng: Random): number {
    if (this.options.medianMs === 0) return 0;
    const base = lognormal(rng, this.options.medianMs, this.options.p90Ms);
    return base * (1 + inFlight / this.options.capacity);
  }

  /** Admits a request: draws its delay at the current load. Call `done()` when it has answered. */
  begin(rng: Random): LatencyTicket {
    const inFlight = this.active;
    this.active++;
    let finished = false;
    return {
      delayMs: this.delayAt(inFlight, rng),
      inFlight,
      done: () => {
        if (finished) return;
        finished = true;
        this.active--;
      },
    };
  }
}
