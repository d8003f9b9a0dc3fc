import { z } from 'zod';

const ms = z.number().min(0);
const nullableMs = ms.nullable();

/**
 * What a streaming transport measures on the wire itself, beside the generic turn records: for
 * Twilio Media Streams, voice-to-voice measured on the played-out audio, barge-in → `clear`,
 * dead air, frame jitter. Optional on an observation and a call record (the HTTP agent protocol
 * has no audio timeline, so its calls carry none). All values are wall milliseconds.
 */
export const wireMeasurementsSchema = z.strictObject({
  /** The transport that measured them (`twilio`). */
  transport: z.string().min(1),
  /** Dial (stream start) → first bot audio above the speech threshold. */
  greetingLatencyMs: nullableMs,
  /** The longest silence the caller sat through while waiting for the bot. */
  longestDeadAirMs: nullableMs,
  /** Caller and bot audio overlapping, over the call. */
  talkOverMs: nullableMs,
  /** p99 of the bot's media frame arrival gaps against their real-time spacing. */
  frameJitterP99Ms: nullableMs,
  /** Per caller turn, in the order of the observation's turn records. */
  turns: z.array(
    z.strictObject({
      /** The planned turn (PlannedTurn.index), as in the turn record. */
      index: z.number().int().min(0),
      /** End of caller speech → first bot audio above the speech threshold, on the audio. */
      voiceToVoiceMs: nullableMs,
      /** Caller barge-in → the bot's `clear` (null: no barge-in, or no clear came). */
      bargeInClearMs: nullableMs,
      /** Bot audio still played after the barge-in. */
      audioAfterBargeInMs: nullableMs,
    }),
  ),
});
export type WireMeasurements = z.infer<typeof wireMeasurementsSchema>;
