import type { z } from 'zod';
import type { SpeedScaling } from '../../../src/scenario/speed-scaling.ts';
import type { Random } from '../../seeded-random.ts';
import type { FaultEffects, RequestContext, SimulatorKind } from './fault-effects.ts';

/** Milliseconds since some fixed origin; injected so stateful faults can be tested without waiting. */
export type Clock = () => number;

/**
 * One kind of fault, e.g. `http-error` or `rate-limit`. A fault type only says what it does to one
 * request: the framework (FaultSet) decides whether the request is targeted, draws the fault's
 * probability, names the fault, counts its touches and keeps its state. See `noop.ts` for a template.
 *
 * `apply` and `initState` are methods (not function properties) on purpose: that lets the registry
 * hold fault types with different parameter types side by side.
 */
export interface FaultType<P = unknown, S = undefined> {
  /** The name users write in a fault spec (`type: http-error`). */
  readonly type: string;
  readonly description: string;
  /** The simulators this fault makes sense for; FaultSet refuses it elsewhere. */
  readonly appliesTo: readonly SimulatorKind[];
  /** Validates and defaults the fault's attributes. */
  readonly params: z.ZodType<P>;
  /**
   * Which parameters a drill states in scenario time, and so scale with `--speed` when the chaos
   * orchestrator sets the fault (`{ rps: 'rate' }`: per scenario second). Absent or `{}`: none —
   * latencies are real time at any speed. The control API takes wall-time values as they are.
   */
  readonly scalesWithSpeed?: SpeedScaling<P>;
  /** State that lives as long as the fault is active (e.g. a token bucket). */
  initState?(params: P, clock: Clock): S;
  /** Adds this fault's effect on one request to `effects`. */
  apply(params: P, ctx: RequestContext, effects: FaultEffects, rng: Random, state: S): void;
  /** Called once when the fault is cleared or replaced. */
  remove?(state: S): void;
}

/** Identity helper that keeps a fault type's parameter and state types inferred. */
export function defineFault<P, S = undefined>(fault: FaultType<P, S>): FaultType<P, S> {
  return fault;
}

export const ALL_SIMULATORS: readonly SimulatorKind[] = ['llm', 'asr', 'tts', 'crm', 'twilio'];
