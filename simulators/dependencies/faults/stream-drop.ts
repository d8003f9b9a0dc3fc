import { z } from 'zod';
import { defineFault } from './fault-type.ts';

/**
 * Closes a live stream with 1011 (internal error) mid-stream: `afterMs` of audio into the speech
 * segment it touches (ASR), or of the audio being sent (TTS). Counted in stream time, so the same
 * audio drops at the same place on every run.
 */
export const streamDrop = defineFault({
  type: 'stream-drop',
  description: 'Closes live streams with 1011 part-way through a segment',
  appliesTo: ['asr', 'tts'],
  params: z.strictObject({ afterMs: z.number().min(0).max(600_000).default(500) }),
  apply(params, _ctx, effects) {
    const current = effects.stream.dropAfterMs;
    effects.stream.dropAfterMs = current === undefined ? params.afterMs : Math.min(current, params.afterMs);
  },
});
