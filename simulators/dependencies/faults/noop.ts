import { z } from 'zod';
import { ALL_SIMULATORS, defineFault } from './fault-type.ts';

/**
 * The template for new faults: it is targeted and counted like any other, and changes nothing.
 * Useful on its own to check that a drill reaches a simulator (its `touched` counter rises).
 */
export const noop = defineFault({
  type: 'noop',
  description: 'Does nothing; counts the requests it would have touched',
  appliesTo: ALL_SIMULATORS,
  params: z.strictObject({}),
  // Name here each parameter a drill states in scenario time: `{ rps: 'rate' }` (per scenario
  // second) or `{ holdMs: 'duration' }` (scenario ms). Latencies are real time and do not scale.
  scalesWithSpeed: {},
  apply() {},
});
