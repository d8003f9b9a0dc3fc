/**
 * How a speech-to-text simulator tells which planned utterance it is hearing, from the audio alone.
 * A real bot forwards no `x-callstorm-*` headers to its speech-to-text: only audio, possibly
 * resampled (8/16/24/48 kHz), converted between μ-law and PCM16, gain-changed and chunked its own
 * way. A linker turns that audio into the id of a planned utterance (`<callId>.u<n>`) — or says it
 * cannot, and then the simulator answers with an empty transcript and counts it: never another
 * call's words.
 *
 * The ASR simulator uses one linker for both of its wires: the REST `POST /v1/listen` (one segment:
 * push the whole body, then `end()`) and the live `GET /v1/listen` WebSocket (its own endpointing
 * cuts the stream into speech segments; it pushes each segment's audio as it arrives, so interim
 * results can start before the caller has finished). Implementations: `tagged` (the utterance id
 * carried in the first bytes of callstorm's tagged μ-law audio) and `acoustic` (speech audio; see
 * docs/simulators.md for the method and its measured accuracy).
 */

export interface LinkContext {
  /** Sample rate of the PCM16 samples pushed to this segment. */
  readonly sampleRate: number;
  /** The stream (WebSocket) or request the segment came from: for counters and stream binding. */
  readonly streamId: string;
  /** The call this stream was already linked to by an earlier segment, if any. */
  readonly boundCallId?: string;
}

export type LinkDecision =
  | {
      readonly status: 'linked';
      readonly utteranceId: string;
      /** How sure the linker is (0..1); decisions below its own threshold are `unknown` instead. */
      readonly confidence: number;
      /** How far into the utterance's own audio the segment has reached so far (ms). */
      readonly offsetMs: number;
    }
  /** Not enough audio yet to decide (streaming only). */
  | { readonly status: 'pending' }
  /** Cannot decide; the reason is counted by the simulator (e.g. `no-candidate`, `ambiguous`). */
  | { readonly status: 'unknown'; readonly reason: string };

/** One speech segment being linked: feed it audio as it arrives. */
export interface SegmentLinker {
  /** The next chunk of this segment's audio (PCM16 at `LinkContext.sampleRate`). */
  push(samples: Int16Array): LinkDecision;
  /** The segment ended: the final decision (never `pending`). */
  end(): Exclude<LinkDecision, { readonly status: 'pending' }>;
}

export interface UtteranceLinker {
  /** `tagged`, `acoustic`, …: named in counters and docs. */
  readonly method: string;
  segment(context: LinkContext): SegmentLinker;
}
