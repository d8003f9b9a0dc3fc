import type { FaultEffects, RequestContext } from '../simulators/dependencies/faults/fault-effects.ts';
import { noEffects } from '../simulators/dependencies/faults/fault-effects.ts';
import type { Random } from '../simulators/seeded-random.ts';

/** What a simulator's handlers need from the fault framework (engineer A's FaultSet implements it). */
export interface FaultSource {
  effectsFor(ctx: RequestContext, rng: Random): FaultEffects;
}

/** A fault source with nothing active. */
export const noFaults: FaultSource = { effectsFor: () => noEffects() };
