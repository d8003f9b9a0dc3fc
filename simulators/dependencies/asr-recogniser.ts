import { lognormal, seeded } from '../seeded-random.ts';
import { AsrConfidenceModel, type AsrPopulation } from './asr-confidence-model.ts';
import { degradeTranscript, type RecognisedWord } from './asr-word-errors.ts';
import { type GroundTruth, spokenValues, type TurnRef } from './ground-truth.ts';

/** Recognition latency: a fraction of the speech duration plus a lognormal overhead. */
export interface AsrLatency {
  readonly speechFraction: number;
  readonly medianMs: number;
  readonly p90Ms: number;
}

export const DEFAULT_ASR_LATENCY: AsrLatency = { speechFraction: 0.05, medianMs: 180, p90Ms: 420 };

/** Per-word error = (1 − confidence) × cohort wordErrorScale × this. */
export const DEFAULT_WORD_ERROR_FACTOR = 0.5;

export interface AsrRecogniserOptions {
  seed: string | number;
  groundTruth: GroundTruth;
  population: AsrPopulation;
  /** `false` answers instantly (tests); a partial object overrides the defaults. */
  latency?: Partial<AsrLatency> | false;
  /**
   * Multiplies every cohort's word-error rate (default 0.5: per-word error ≈ half of 1 − confidence,
   * in line with phone-audio WER of current recognisers at the confidences they report).
   */
  wordErrorFactor?: number;
}

export interface Recognition {
  /** Null when the audio carries no callstorm utterance id, or the call is unknown. */
  readonly utteranceId: string | null;
  readonly transcript: string;
  readonly confidence: number;
  readonly words: readonly RecognisedWord[];
  readonly durationMs: number;
  readonly latencyMs: number;
  readonly attempt: number;
  readonly errors: number;
  readonly cohort?: string;
}

/**
 * The ASR's behaviour: "hears" a planned utterance as its ground-truth text degraded by cohort,
 * noise and faults, records what it emitted in the ground truth, and says how long it took.
 */
export class AsrRecogniser {
  readonly groundTruth: GroundTruth;
  readonly #seed: string | number;
  readonly #confidence: AsrConfidenceModel;
  readonly #latency: AsrLatency | false;
  readonly #errorFactor: number;
  readonly #attempts = new Map<string, number>();

  constructor(options: AsrRecogniserOptions) {
    this.groundTruth = options.groundTruth;
    this.#seed = options.seed;
    this.#confidence = new AsrConfidenceModel({ seed: options.seed, population: options.population });
    this.#latency = options.latency === false ? false : { ...DEFAULT_ASR_LATENCY, ...options.latency };
    this.#errorFactor = options.wordErrorFactor ?? DEFAULT_WORD_ERROR_FACTOR;
  }

  /** The planned turn the utterance id names (its cohort is what fault targeting needs). */
  lookup(utteranceId: string | null): TurnRef | undefined {
    return utteranceId === null ? undefined : this.groundTruth.utterance(utteranceId);
  }

  /** Counts a request for the utterance: 1 the first time, 2 for its first retry, … */
  nextAttempt(utteranceId: string): number {
    const attempt = (this.#attempts.get(utteranceId) ?? 0) + 1;
    this.#attempts.set(utteranceId, attempt);
    return attempt;
  }

  recognise(request: {
    utteranceId: string | null;
    audioMs: number;
    attempt: number;
    faultMean?: number;
  }): Recognition {
    const ref = this.lookup(request.utteranceId);
    const key = request.utteranceId ?? 'unknown';
    const latencyMs = this.#latencyMs(key, request.attempt, request.audioMs);
    if (!ref || request.utteranceId === null) {
      return {
        utteranceId: null,
        transcript: '',
        confidence: 0,
        words: [],
        durationMs: request.audioMs,
        latencyMs,
        attempt: request.attempt,
        errors: 0,
      };
    }
    const { plan, turn } = ref;
    const draw = this.#confidence.draw({
      utteranceId: turn.id,
      attempt: request.attempt,
      cohort: plan.cohort,
      noise: plan.noise,
      ...(request.faultMean === undefined ? {} : { faultMean: request.faultMean }),
    });
    const degraded = degradeTranscript(
      {
        text: turn.text,
        durationMs: request.audioMs,
        confidence: draw.confidence,
        wordErrorScale: draw.wordErrorScale,
        errorFactor: this.#errorFactor,
        slots: spokenValues(ref),
        ...(turn.kind === 'open' || turn.index === 0 ? { persona: plan.caller } : {}),
      },
      seeded(this.#seed, 'asr-words', turn.id, request.attempt),
    );
    const confidence = Math.round(draw.confidence * 10_000) / 10_000;
    this.groundTruth.recordTranscript({
      utteranceId: turn.id,
      transcript: degraded.transcript,
      confidence,
      attempt: request.attempt,
      garbledSlots: degraded.garbledSlots,
    });
    return {
      utteranceId: turn.id,
      transcript: degraded.transcript,
      confidence,
      words: degraded.words,
      durationMs: request.audioMs,
      latencyMs,
      attempt: request.attempt,
      errors: degraded.errors,
      cohort: plan.cohort,
    };
  }

  #latencyMs(key: string, attempt: number, audioMs: number): number {
    if (this.#latency === false) return 0;
    const l = this.#latency;
    const rng = seeded(this.#seed, 'asr-latency', key, attempt);
    return Math.max(
      0,
      Math.round(l.speechFraction * audioMs + (l.medianMs > 0 ? lognormal(rng, l.medianMs, l.p90Ms) : 0)),
    );
  }
}
