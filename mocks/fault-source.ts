import type { FaultEffects, RequestContext } from '../simulators/dependencies/faults/fault-effects.ts';
import { noEffects } from '../simulators/dependencies/faults/fault-effects.ts';
import type { Random } from '../simulators/seeded-random.ts';

/** What a simulator's handlers need from the fault framework (engineer A's FaultSet implements it). */
export interface FaultSource {
  effectsFor(ctx: RequestContext, rng: Random): FaultEffects;
  /**
   * For effects with `network: 'hang'`: resolves when the fault is cleared, rejects when the request
   * is aborted first. Without it a hang lasts HANG_MS or until the client gives up.
   */
  hangUntilCleared?(effects: FaultEffects, signal: AbortSignal): Promise<void>;
}

/** A fault source with nothing active. */
export const noFaults: FaultSource = { effectsFor: () => noEffects() };
