import { z } from 'zod';
import { defineFault } from './fault-type.ts';

/**
 * Refuses the WebSocket upgrade of a live stream (the ASR's `GET /v1/listen`, the TTS's
 * `/v1/speak`) with an HTTP status, as a vendor does when it is overloaded or down. REST requests
 * are not touched: `http-error` is for those.
 */
export const streamRefuse = defineFault({
  type: 'stream-refuse',
  description: 'Refuses WebSocket upgrades of live streams with an HTTP status',
  appliesTo: ['asr', 'tts'],
  params: z.strictObject({ status: z.int().min(400).max(599).default(503) }),
  apply(params, _ctx, effects) {
    effects.stream.refuseStatus ??= params.status;
  },
});
