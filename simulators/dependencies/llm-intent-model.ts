import type { ComplexityClass } from '../../src/scenario/population-schema.ts';
import type { Flow } from '../../src/scenario/vertical-schema.ts';
import { pickWeighted, type Random, seeded } from '../seeded-random.ts';

export interface IntentModelOptions {
  seed: string | number;
  /** The vertical's flows (wrong intents are drawn from the others, by weight). */
  flows: readonly Pick<Flow, 'intent' | 'weight'>[];
  /** Complexity classes of the population: `difficulty` lowers accuracy. */
  complexity: readonly Pick<ComplexityClass, 'id' | 'difficulty'>[];
  /** P(correct) on a clean transcript of a simple call (default 0.98). */
  baseAccuracy?: number;
  /** Confidence at and above which the transcript costs no accuracy (default 0.75). */
  confidenceKnee?: number;
  /** Accuracy lost per unit of confidence below the knee (default 1.2: conf 0.45 → −0.36). */
  confidenceSlope?: number;
}

export interface IntentInput {
  /** Key of the draw: the same turn heard the same way always classifies the same way. */
  readonly key: string;
  readonly trueIntent: string;
  readonly confidence: number;
  readonly complexity: string;
  /** FaultEffects.llm.wrongIntentRate. */
  readonly wrongIntentRate: number;
}

export interface Classification {
  readonly intent: string;
  readonly correct: boolean;
  readonly pCorrect: number;
}

/**
 * How often the LLM gets the caller's intent right:
 * P(correct) = clamp(base × (1 − difficulty) × (1 − slope × max(0, knee − confidence)) − wrongIntentRate, 0, 1).
 * A wrong intent is another flow's intent of the same vertical, drawn by flow weight.
 */
export class LlmIntentModel {
  readonly #seed: string | number;
  readonly #flows: readonly Pick<Flow, 'intent' | 'weight'>[];
  readonly #difficulty: Map<string, number>;
  readonly #base: number;
  readonly #knee: number;
  readonly #slope: number;

  constructor(options: IntentModelOptions) {
    this.#seed = options.seed;
    this.#flows = options.flows;
    this.#difficulty = new Map(options.complexity.map((c) => [c.id, c.difficulty ?? 0]));
    this.#base = options.baseAccuracy ?? 0.98;
    this.#knee = options.confidenceKnee ?? 0.75;
    this.#slope = options.confidenceSlope ?? 1.2;
  }

  pCorrect(input: Omit<IntentInput, 'key' | 'trueIntent'>): number {
    const difficulty = this.#difficulty.get(input.complexity) ?? 0;
    const heard = 1 - this.#slope * Math.max(0, this.#knee - input.confidence);
    return clamp(this.#base * (1 - difficulty) * heard - input.wrongIntentRate, 0, 1);
  }

  classify(input: IntentInput): Classification {
    const rng = seeded(this.#seed, 'intent', input.key);
    const pCorrect = this.pCorrect(input);
    if (rng() < pCorrect) return { intent: input.trueIntent, correct: true, pCorrect };
    const wrong = this.wrongIntent(input.trueIntent, rng);
    return wrong === undefined
      ? { intent: input.trueIntent, correct: true, pCorrect }
      : { intent: wrong, correct: false, pCorrect };
  }

  wrongIntent(trueIntent: string, rng: Random): string | undefined {
    const others = this.#flows.filter((f) => f.intent !== trueIntent);
    const total = others.reduce((a, f) => a + f.weight, 0);
    if (others.length === 0 || !(total > 0)) return undefined;
    return pickWeighted(
      rng,
      others.map((f) => ({ item: f.intent, weight: f.weight / total })),
    );
  }
}

function clamp(x: number, lo: number, hi: number): number {
  return Math.min(hi, Math.max(lo, x));
}
