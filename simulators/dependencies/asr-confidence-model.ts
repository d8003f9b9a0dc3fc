import type { Cohort, NoiseEnvironment } from '../../src/scenario/population-schema.ts';
import { betaMeanSd, seeded } from '../seeded-random.ts';

/** The parts of a population catalogue the ASR reads. */
export interface AsrPopulation {
  readonly cohorts: readonly Pick<Cohort, 'id' | 'asr'>[];
  readonly noise: readonly Pick<NoiseEnvironment, 'id' | 'confidencePenalty'>[];
}

export interface ConfidenceRequest {
  readonly utteranceId: string;
  /** 1 for the first recognition of the utterance; a retry of the same utterance is 2, … */
  readonly attempt: number;
  readonly cohort: string;
  readonly noise: string;
  /** FaultEffects.asr.confidenceMean: replaces the mean (confidence collapse). */
  readonly faultMean?: number;
}

export interface ConfidenceDraw {
  readonly confidence: number;
  /** The mean the draw came from (after noise and faults). */
  readonly mean: number;
  readonly sd: number;
  readonly wordErrorScale: number;
}

/** Cohort used for callers whose cohort the catalogue does not list. */
export const FALLBACK_ASR = { meanConfidence: 0.85, sdConfidence: 0.07, wordErrorScale: 1.2 } as const;

const MIN_MEAN = 0.02;
const MAX_MEAN = 0.99;

/**
 * Per-utterance ASR confidence: Beta(cohort mean − noise penalty, cohort sd), or Beta(fault mean,
 * cohort sd) while a confidence-collapse fault targets the request. Seeded by (run seed,
 * utterance id, attempt), so a run replays exactly and a retry is a fresh draw.
 */
export class AsrConfidenceModel {
  readonly #seed: string | number;
  readonly #cohorts: Map<string, Cohort['asr']>;
  readonly #noise: Map<string, number>;

  constructor(options: { seed: string | number; population: AsrPopulation }) {
    this.#seed = options.seed;
    this.#cohorts = new Map(options.population.cohorts.map((c) => [c.id, c.asr]));
    this.#noise = new Map(options.population.noise.map((n) => [n.id, n.confidencePenalty]));
  }

  draw(request: ConfidenceRequest): ConfidenceDraw {
    const asr = this.#cohorts.get(request.cohort) ?? FALLBACK_ASR;
    const penalty = this.#noise.get(request.noise) ?? 0;
    const mean = clamp(request.faultMean ?? asr.meanConfidence - penalty, MIN_MEAN, MAX_MEAN);
    // Beta needs sd² < mean(1 − mean): a collapsed mean near 0 or 1 narrows the spread.
    const sd = Math.min(asr.sdConfidence, 0.9 * Math.sqrt(mean * (1 - mean)));
    const rng = seeded(this.#seed, 'asr-confidence', request.utteranceId, request.attempt);
    const confidence = clamp(betaMeanSd(rng, mean, sd), 0, 1);
    return { confidence, mean, sd, wordErrorScale: asr.wordErrorScale ?? 1 };
  }
}

function clamp(x: number, lo: number, hi: number): number {
  return Math.min(hi, Math.max(lo, x));
}
