import { z } from 'zod';
import { defineFault } from './fault-type.ts';

/** Makes a share of ASR requests fail outright with a 5xx (the ASR simulator draws per request). */
export const asrErrorRate = defineFault({
  type: 'asr-error-rate',
  description: 'Fails a share of ASR requests with a 5xx',
  appliesTo: ['asr'],
  params: z.strictObject({ rate: z.number().min(0).max(1) }),
  apply(params, _ctx, effects) {
    effects.asr.errorRate = effects.asr.errorRate + params.rate - effects.asr.errorRate * params.rate;
  },
});
