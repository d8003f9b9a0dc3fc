import { z } from 'zod';
import { ALL_SIMULATORS, defineFault } from './fault-type.ts';

/** Adds `ms` ± uniform `jitter` before the response starts (never below zero). */
export const latency = defineFault({
  type: 'latency',
  description: 'Adds latency (with uniform jitter) before the response starts',
  appliesTo: ALL_SIMULATORS,
  params: z.strictObject({
    ms: z.number().min(0).max(600_000),
    jitter: z.number().min(0).max(600_000).default(0),
  }),
  // ms and jitter are real time: a dependency is as slow at any --speed.
  scalesWithSpeed: {},
  apply(params, _ctx, effects, rng) {
    const jitter = params.jitter > 0 ? (rng() * 2 - 1) * params.jitter : 0;
    effects.addedLatencyMs += Math.max(0, params.ms + jitter);
  },
});
