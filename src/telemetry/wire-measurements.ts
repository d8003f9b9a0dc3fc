import { z } from 'zod';

const ms = z.number().min(0);
const nullableMs = ms.nullable();
const count = z.number().int().min(0);

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
      /** The caller said this turn again because the bot reprompted (docs/twilio.md). */
      repeated: z.boolean().optional(),
    }),
  ),
  /**
   * The caller's own frames: p99 and maximum of each frame's lateness against the tick it was due
   * on, less the stream's smallest (its place in the media clock's round, which a bot cannot see).
   */
  sendJitterP99Ms: nullableMs.optional(),
  sendJitterMaxMs: nullableMs.optional(),
  /** 20 ms frames the caller sent, and media messages the bot sent. */
  framesSent: count.optional(),
  botMediaMessages: count.optional(),
  /** Bot audio played out to the caller (silence the bot sent included). */
  botAudioMs: ms.optional(),
  /** The most bot audio waiting in the caller's playback buffer at once. */
  peakBufferedMs: ms.optional(),
  /**
   * The bot sent audio faster than real time past the playback buffer's cap: how much was dropped
   * (null: never). Flagged, not fatal.
   */
  playbackOverflow: z.strictObject({ droppedMs: ms, capMs: ms }).nullable().optional(),
  /** `clear` messages from the bot; marks it sent and marks echoed back. */
  clears: count.optional(),
  marks: z.strictObject({ received: count, echoed: count }).optional(),
  /** Messages from the bot that could not be used: how many, and which ("not JSON ×2"). */
  malformedMessages: count.optional(),
  malformedKinds: z.array(z.string()).optional(),
  /** How the stream's WebSocket closed: the close code (null: none received) and who closed first. */
  close: z
    .strictObject({ code: z.number().int().nullable(), by: z.enum(['caller', 'bot', 'none']) })
    .optional(),
  /** Why the call ended, in words, as the wire and the fake Twilio REST API showed it. */
  endReason: z.string().optional(),
});
export type WireMeasurements = z.infer<typeof wireMeasurementsSchema>;
