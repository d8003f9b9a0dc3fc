import { z } from 'zod';
import { defineFault } from './fault-type.ts';

/** Delays the first token of an LLM answer (streamed or not); later tokens keep their pace. */
export const llmSlowFirstToken = defineFault({
  type: 'llm-slow-first-token',
  description: 'Delays the first token of LLM answers',
  appliesTo: ['llm'],
  params: z.strictObject({ ms: z.number().min(0).max(600_000) }),
  // ms is real time: a slow model is as slow at any --speed.
  scalesWithSpeed: {},
  apply(params, _ctx, effects) {
    effects.llm.firstTokenDelayMs += params.ms;
  },
});
