import { z } from 'zod';
import { defineFault } from './fault-type.ts';

/** Raises the chance that the LLM classifies the caller's intent wrongly. */
export const llmQualityDrop = defineFault({
  type: 'llm-quality-drop',
  description: 'Adds a probability that the LLM picks the wrong intent',
  appliesTo: ['llm'],
  params: z.strictObject({ wrongIntentRate: z.number().min(0).max(1) }),
  apply(params, _ctx, effects) {
    // Independent faults combine as independent failure chances.
    effects.llm.wrongIntentRate =
      effects.llm.wrongIntentRate +
      params.wrongIntentRate -
      effects.llm.wrongIntentRate * params.wrongIntentRate;
  },
});
