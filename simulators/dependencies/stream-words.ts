import type { RecognisedWord } from './asr-word-errors.ts';
import type { StreamResult, StreamWord } from './stream-events.ts';

/**
 * An utterance's next words heard by `offsetMs` into its audio, from word `from` on: those fully
 * spoken (interim results), or those begun (finals, so a segment that ends mid-word keeps it).
 */
export function heardWords(
  words: readonly RecognisedWord[],
  from: number,
  offsetMs: number,
  mode: 'complete' | 'begun',
): RecognisedWord[] {
  let k = from;
  while (k < words.length && (mode === 'complete' ? words[k]!.end : words[k]!.start) * 1000 <= offsetMs) k++;
  return words.slice(from, k);
}

/**
 * Words in stream time: a word `t` seconds into the utterance lies at the segment's start plus
 * `t` minus where in the utterance the segment started (never before the segment).
 */
export function timedWords(
  words: readonly RecognisedWord[],
  segmentStartSec: number,
  offsetAtStartMs: number,
  punctuate: boolean,
): StreamWord[] {
  const base = segmentStartSec - offsetAtStartMs / 1000;
  return words.map((w) => ({
    word: w.word,
    start: round(Math.max(segmentStartSec, base + w.start)),
    end: round(Math.max(segmentStartSec, base + w.end)),
    confidence: w.confidence,
    ...(punctuate ? { punctuated_word: w.punctuated_word } : {}),
  }));
}

export interface ResultInput {
  readonly isFinal: boolean;
  readonly speechFinal: boolean;
  readonly fromFinalize: boolean;
  /** Where the previous final ended (s): results tile the stream. */
  readonly cursor: number;
  readonly end: number;
  readonly words: readonly StreamWord[];
  /** The utterance's confidence (0 when no words are heard). */
  readonly confidence?: number;
  /** Finals of a linked utterance name it. */
  readonly utteranceId?: string;
  readonly delayMs?: number;
  readonly speechEndArrivalMs?: number | undefined;
  readonly endpointArrivalMs?: number | undefined;
}

/** A Results event: the words as transcript, over the audio from the cursor to `end`. */
export function resultOf(r: ResultInput): StreamResult {
  return {
    kind: 'results',
    isFinal: r.isFinal,
    speechFinal: r.speechFinal,
    fromFinalize: r.fromFinalize,
    start: round(r.cursor),
    duration: round(Math.max(0, r.end - r.cursor)),
    transcript: r.words.map((w) => w.punctuated_word ?? w.word).join(' '),
    confidence: r.words.length > 0 ? (r.confidence ?? 0) : 0,
    words: r.words,
    delayMs: r.delayMs ?? 0,
    ...(r.isFinal && r.utteranceId !== undefined ? { utteranceId: r.utteranceId } : {}),
    ...(r.speechEndArrivalMs === undefined ? {} : { speechEndArrivalMs: r.speechEndArrivalMs }),
    ...(r.endpointArrivalMs === undefined ? {} : { endpointArrivalMs: r.endpointArrivalMs }),
  };
}

const round = (x: number): number => Math.round(x * 1000) / 1000;
