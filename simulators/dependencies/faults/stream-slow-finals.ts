import { z } from 'zod';
import { defineFault } from './fault-type.ts';

/**
 * Delays the final results of the live speech-to-text by `ms` (on top of the latency model):
 * interim results keep coming, the turn's transcript arrives late.
 */
export const streamSlowFinals = defineFault({
  type: 'stream-slow-finals',
  description: 'Delays final results of live speech-to-text streams',
  appliesTo: ['asr'],
  params: z.strictObject({ ms: z.number().min(0).max(600_000) }),
  apply(params, _ctx, effects) {
    effects.stream.finalDelayMs += params.ms;
  },
});
