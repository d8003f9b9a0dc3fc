import { z } from 'zod';
import { defineFault } from './fault-type.ts';

/**
 * Pulls ASR confidence towards `targetMean` — for one dialect cohort when `cohort` is given
 * (shorthand for `target.cohort`), else for every caller.
 */
export const asrConfidenceCollapse = defineFault({
  type: 'asr-confidence-collapse',
  description: 'Forces ASR confidence down towards a mean, optionally for one cohort',
  appliesTo: ['asr'],
  params: z.strictObject({
    cohort: z.string().min(1).optional(),
    targetMean: z.number().min(0).max(1).default(0.45),
  }),
  apply(params, ctx, effects) {
    if (params.cohort !== undefined && ctx.cohort !== params.cohort) return;
    const current = effects.asr.confidenceMean;
    effects.asr.confidenceMean =
      current === undefined ? params.targetMean : Math.min(current, params.targetMean);
  },
});
