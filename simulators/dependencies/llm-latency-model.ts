import { lognormal, seeded } from '../seeded-random.ts';

export interface LlmLatencyOptions {
  /** Time to first token (lognormal). */
  ttftMedianMs: number;
  ttftP90Ms: number;
  /** Decode speed after the first token. */
  tokensPerSecond: number;
  /** Prefill cost per prompt token, added to the time to first token. */
  prefillMsPerToken: number;
}

export const DEFAULT_LLM_LATENCY: LlmLatencyOptions = {
  ttftMedianMs: 350,
  ttftP90Ms: 900,
  tokensPerSecond: 80,
  prefillMsPerToken: 0.02,
};

export interface LlmTiming {
  /** Delay before the first token, faults included. */
  readonly firstTokenMs: number;
  /** Delay between tokens. */
  readonly perTokenMs: number;
  /** First token plus every other token. */
  readonly totalMs: number;
}

/** When an LLM answer's tokens arrive: TTFT (lognormal + prefill + fault delay), then tokens/s. */
export class LlmLatencyModel {
  readonly #seed: string | number;
  readonly #options: LlmLatencyOptions | false;

  /** `latency: false` answers instantly (fault delays still apply). */
  constructor(options: { seed: string | number; latency?: Partial<LlmLatencyOptions> | false }) {
    this.#seed = options.seed;
    this.#options = options.latency === false ? false : { ...DEFAULT_LLM_LATENCY, ...options.latency };
  }

  timing(input: {
    key: string;
    promptTokens: number;
    completionTokens: number;
    firstTokenDelayMs: number;
  }): LlmTiming {
    const o = this.#options;
    const delay = Math.max(0, input.firstTokenDelayMs);
    if (o === false) return { firstTokenMs: delay, perTokenMs: 0, totalMs: delay };
    const rng = seeded(this.#seed, 'llm-latency', input.key);
    const ttft =
      (o.ttftMedianMs > 0 ? lognormal(rng, o.ttftMedianMs, o.ttftP90Ms) : 0) +
      o.prefillMsPerToken * input.promptTokens;
    const perTokenMs = o.tokensPerSecond > 0 ? 1000 / o.tokensPerSecond : 0;
    const firstTokenMs = Math.round(ttft + delay);
    return {
      firstTokenMs,
      perTokenMs,
      totalMs: Math.round(firstTokenMs + perTokenMs * Math.max(0, input.completionTokens - 1)),
    };
  }
}
