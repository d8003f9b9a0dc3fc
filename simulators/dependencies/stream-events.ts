/** What a live speech-to-text stream says, before it is put on a vendor's wire. */

/** Delay of a final after its endpoint (lognormal), before faults. */
export interface StreamLatency {
  readonly medianMs: number;
  readonly p90Ms: number;
}

export const DEFAULT_STREAM_LATENCY: StreamLatency = { medianMs: 120, p90Ms: 260 };

/** What the client asked for (Deepgram's query parameters, parsed). */
export interface StreamSettings {
  readonly endpointingMs: number | false;
  readonly interimResults: boolean;
  /** UtteranceEnd after this gap (ms) after the last finalised word; needs interim results. */
  readonly utteranceEndMs?: number;
  readonly vadEvents: boolean;
  readonly punctuate: boolean;
}

export interface StreamWord {
  readonly word: string;
  readonly start: number;
  readonly end: number;
  readonly confidence: number;
  readonly punctuated_word?: string;
}

export interface StreamResult {
  readonly kind: 'results';
  readonly isFinal: boolean;
  readonly speechFinal: boolean;
  readonly fromFinalize: boolean;
  /** Stream time (s) of the audio the result covers. */
  readonly start: number;
  readonly duration: number;
  readonly transcript: string;
  readonly confidence: number;
  readonly words: readonly StreamWord[];
  /** Send this long after the previous message (finals: latency model plus faults; interims 0). */
  readonly delayMs: number;
  /** The utterance a final belongs to (for the ground truth's speech-to-text record). */
  readonly utteranceId?: string;
  /** When the segment's last speech audio arrived (the clock `push` was given). */
  readonly speechEndArrivalMs?: number;
  /** When the audio that completed the endpoint arrived: the final's added delay is measured from it. */
  readonly endpointArrivalMs?: number;
}

export type StreamEvent =
  | StreamResult
  | { readonly kind: 'speech-started'; readonly timestamp: number }
  | { readonly kind: 'utterance-end'; readonly lastWordEnd: number }
  /** A `stream-drop` fault: close with 1011 now. */
  | { readonly kind: 'drop' }
  /** A `stream-silent` fault: send nothing more. */
  | { readonly kind: 'silence' };
