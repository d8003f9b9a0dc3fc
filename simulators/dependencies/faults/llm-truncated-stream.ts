import { z } from 'zod';
import { defineFault } from './fault-type.ts';

/** Cuts a streamed LLM answer after `afterChars` characters, with no finish_reason. */
export const llmTruncatedStream = defineFault({
  type: 'llm-truncated-stream',
  description: 'Ends streamed LLM answers early without a finish_reason',
  appliesTo: ['llm'],
  params: z.strictObject({ afterChars: z.int().min(0).max(1_000_000) }),
  apply(params, _ctx, effects) {
    const current = effects.llm.truncateAfterChars;
    effects.llm.truncateAfterChars =
      current === undefined ? params.afterChars : Math.min(current, params.afterChars);
  },
});
