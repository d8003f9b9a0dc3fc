import { exponential, lognormal, type Random, seeded } from '../../simulators/seeded-random.ts';
import type { HumanQueueSettings } from '../scenario/stage-schema.ts';

export interface HumanQueueOptions {
  /** Human agents answering escalated calls. */
  readonly agents: number;
  /** Handle time per call (lognormal by median and p90, ms); exponential when p90 is omitted. */
  readonly handleTime: { readonly medianMs: number; readonly p90Ms?: number };
  /** Mean time a caller waits in the queue before giving up (exponential, ms); Infinity = never. */
  readonly meanPatienceMs: number;
  /** Service-level threshold: answered within this many ms (default 20 s). */
  readonly answerWithinMs?: number;
  readonly seed: number | string;
}

export interface QueueResult {
  readonly waitMs: number;
  readonly answered: boolean;
  readonly answeredWithinTarget: boolean;
  readonly handleMs: number;
}

/**
 * A first-come-first-served queue of escalated calls to N human agents, in scenario time: each
 * call waits for the earliest free agent, gives up if that wait exceeds its patience (and then
 * holds no agent), and otherwise holds the agent for its handle time. Calls must join in
 * non-decreasing scenario time (the driver feeds them as transfers happen).
 */
export class HumanQueue {
  readonly #free: number[];
  readonly #options: HumanQueueOptions;
  readonly #rng: Random;
  #last = -Infinity;

  constructor(options: HumanQueueOptions) {
    if (!(options.agents >= 1)) throw new RangeError('a human queue needs at least one agent');
    this.#options = options;
    this.#free = new Array<number>(options.agents).fill(-Infinity);
    this.#rng = seeded(options.seed, 'human-queue');
  }

  /** A call transferred at scenario time `atMs`. */
  join(atMs: number): QueueResult {
    const t = Math.max(atMs, this.#last);
    this.#last = t;
    let best = 0;
    for (let i = 1; i < this.#free.length; i++) if (this.#free[i]! < this.#free[best]!) best = i;
    const waitMs = Math.max(0, this.#free[best]! - t);
    const { handleTime, meanPatienceMs } = this.#options;
    const patience = Number.isFinite(meanPatienceMs) ? exponential(this.#rng, meanPatienceMs) : Infinity;
    const handleMs =
      handleTime.p90Ms !== undefined
        ? lognormal(this.#rng, handleTime.medianMs, handleTime.p90Ms)
        : exponential(this.#rng, handleTime.medianMs / Math.LN2);
    if (waitMs > patience)
      return { waitMs: patience, answered: false, answeredWithinTarget: false, handleMs: 0 };
    this.#free[best] = t + waitMs + handleMs;
    return {
      waitMs,
      answered: true,
      answeredWithinTarget: waitMs <= (this.#options.answerWithinMs ?? 20_000),
      handleMs,
    };
  }
}

/** The human queue a stage describes (`humanQueue` in the stage file), seeded by the run. */
export function humanQueueForStage(settings: HumanQueueSettings, seed: number | string): HumanQueue {
  return new HumanQueue({
    agents: settings.agents,
    handleTime: settings.handleTime,
    meanPatienceMs: settings.meanPatienceMs,
    answerWithinMs: settings.answerWithinSeconds * 1000,
    seed,
  });
}

/** Erlang C: probability an arrival waits, for `agents` servers at offered load `a` = λ/μ erlangs. */
export function erlangC(agents: number, a: number): number {
  if (a >= agents) return 1;
  let term = 1;
  let sum = 1;
  for (let k = 1; k < agents; k++) {
    term *= a / k;
    sum += term;
  }
  const top = ((term * a) / agents) * (agents / (agents - a));
  return top / (sum + top);
}

/** Service level by Erlang C: P(wait ≤ t) = 1 − C · e^{−(Nμ − λ) t}. */
export function erlangServiceLevel(
  agents: number,
  arrivalsPerMs: number,
  meanHandleMs: number,
  withinMs: number,
): number {
  const a = arrivalsPerMs * meanHandleMs;
  const c = erlangC(agents, a);
  return 1 - c * Math.exp(-(agents / meanHandleMs - arrivalsPerMs) * withinMs);
}
