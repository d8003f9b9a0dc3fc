import { z } from 'zod';
import { defineFault } from './fault-type.ts';

/**
 * Accepts a live stream, then sends nothing: no results, no close. Drawn at the upgrade and at
 * each speech segment, so a stream touched mid-call goes quiet from its next segment on. A client
 * that waits for transcripts without a timeout of its own waits for ever.
 */
export const streamSilent = defineFault({
  type: 'stream-silent',
  description: 'Accepts live streams, then never answers',
  appliesTo: ['asr', 'tts'],
  params: z.strictObject({}),
  apply(_params, _ctx, effects) {
    effects.stream.silent = true;
  },
});
