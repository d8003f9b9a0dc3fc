import { lognormal, seeded } from '../seeded-random.ts';
import { type EndpointEvent, Endpointer } from './endpointer.ts';
import type { FaultEffects } from './faults/fault-effects.ts';
import { callIdOfUtterance } from './ground-truth.ts';
import {
  DEFAULT_STREAM_LATENCY,
  type StreamEvent,
  type StreamLatency,
  type StreamResult,
} from './stream-events.ts';
import type { Segment, StreamRecogniserOptions, UtteranceState } from './stream-segment.ts';
import { heardWords, type ResultInput, resultOf, timedWords } from './stream-words.ts';
import { defaultVoiceActivity } from './tagged-voice-activity.ts';
import type { LinkDecision } from './utterance-linker.ts';

/**
 * One live speech-to-text stream's behaviour: its own endpointing cuts the audio into speech
 * segments; the linker says which planned utterance each segment is; the ASR recogniser degrades
 * that utterance's words (cohort, noise, faults). Interim results are the words heard so far,
 * finals the words of the segment, at the endpoint plus the latency model's delay. An utterance
 * split by pauses into several segments is sent as several finals, its words in order (by their
 * place in the utterance's audio). Synchronous: the socket layer sends the events it returns.
 */
export class StreamRecogniser {
  readonly #o: StreamRecogniserOptions;
  readonly #endpointer: Endpointer;
  readonly #latency: StreamLatency | false;
  readonly #interimSamples: number;
  readonly #utterances = new Map<string, UtteranceState>();
  /** Recent pushes: [end sample, arrival ms], to date the end of speech. */
  readonly #arrivals: [number, number][] = [];
  #segment: Segment | undefined;
  /** Where the last linked segment ended: sample, and offset into its utterance. */
  #last: { utterance: UtteranceState; endSample: number; endOffsetMs: number } | undefined;
  readonly #placeholder: boolean;
  #segments = 0;
  #cursor = 0;
  #lastWordEnd: number | undefined;
  #utteranceEndSent = true;
  #boundCallId: string | undefined;
  #stopped = false;

  constructor(options: StreamRecogniserOptions) {
    this.#o = options;
    this.#latency = options.latency === false ? false : { ...DEFAULT_STREAM_LATENCY, ...options.latency };
    this.#interimSamples = Math.round((options.sampleRate * (options.interimEveryMs ?? 500)) / 1000);
    const vad =
      options.vad ??
      defaultVoiceActivity(
        options.linker,
        options.sampleRate,
        (id) => options.recogniser.lookup(id)?.turn.speechMs,
      );
    this.#placeholder = (options.linker as { placeholderAudio?: boolean }).placeholderAudio === true;
    this.#endpointer = new Endpointer({
      sampleRate: options.sampleRate,
      vad,
      endpointingMs: options.settings.endpointingMs,
    });
  }

  /** Seconds of audio received. */
  get durationSec(): number {
    return this.#endpointer.position / this.#o.sampleRate;
  }

  get boundCallId(): string | undefined {
    return this.#boundCallId;
  }

  /** The next audio (mono PCM16 at the stream's rate), received at `arrivalMs`. */
  push(samples: Int16Array, arrivalMs: number): StreamEvent[] {
    if (this.#stopped) return [];
    const out: StreamEvent[] = [];
    const events = this.#endpointer.push(samples);
    this.#arrivals.push([this.#endpointer.position, arrivalMs]);
    if (this.#arrivals.length > 512) this.#arrivals.splice(0, 256);
    for (const e of events) this.#handle(e, out, false);
    this.#checkUtteranceEnd(out);
    return out;
  }

  /** The client's `Finalize`: the open segment's final now, marked `from_finalize` (empty if none). */
  finalize(): StreamEvent[] {
    if (this.#stopped) return [];
    const out: StreamEvent[] = [];
    const events = this.#endpointer.flush();
    if (events.length === 0) {
      const end = this.durationSec;
      out.push(this.#result({ isFinal: true, speechFinal: false, fromFinalize: true, end, words: [] }));
      this.#cursor = end;
    }
    for (const e of events) this.#handle(e, out, true);
    this.#checkUtteranceEnd(out);
    return out;
  }

  /** The end of the stream (`CloseStream`, an empty frame): the open segment's final, if any. */
  close(): StreamEvent[] {
    if (this.#stopped) return [];
    const out: StreamEvent[] = [];
    for (const e of this.#endpointer.flush()) this.#handle(e, out, false);
    this.#stopped = true;
    return out;
  }

  #handle(e: EndpointEvent, out: StreamEvent[], fromFinalize: boolean): void {
    if (this.#stopped) return;
    if (e.type === 'start') {
      this.#segment = {
        index: this.#segments++,
        startSample: e.sample,
        linker: this.#o.linker.segment({
          sampleRate: this.#o.sampleRate,
          streamId: this.#o.streamId,
          ...(this.#boundCallId ? { boundCallId: this.#boundCallId } : {}),
        }),
        pushed: 0,
        settled: false,
        continuation: false,
        offsetAtStartMs: 0,
        offsetMs: 0,
        interimAt: 0,
        interimWords: 0,
      };
      if (this.#o.stats) this.#o.stats.segments++;
      if (this.#o.settings.vadEvents)
        out.push({ kind: 'speech-started', timestamp: round(e.sample / this.#o.sampleRate) });
      return;
    }
    const seg = this.#segment;
    if (!seg) return;
    if (e.type === 'audio') {
      seg.pushed += e.samples.length;
      this.#settle(seg, seg.linker.push(e.samples), out);
      if (this.#stopped) return;
      this.#maybeInterim(seg, out);
      return;
    }
    this.#settle(seg, seg.linker.end(), out);
    if (this.#stopped) return;
    if (!seg.effects) this.#draw(seg, undefined, out);
    if (this.#stopped) return;
    const utterance = seg.utterance;
    const words = utterance
      ? heardWords(utterance.recognition.words, utterance.emitted, seg.offsetMs, 'begun')
      : [];
    if (utterance) utterance.emitted += words.length;
    const end = e.sample / this.#o.sampleRate;
    const result = this.#result({
      isFinal: true,
      speechFinal: e.speechFinal,
      fromFinalize,
      end,
      words: utterance
        ? timedWords(
            words,
            seg.startSample / this.#o.sampleRate,
            seg.offsetAtStartMs,
            this.#o.settings.punctuate,
          )
        : [],
      ...(utterance ? { utteranceId: utterance.id, confidence: utterance.recognition.confidence } : {}),
      delayMs: this.#finalDelay(seg),
      speechEndArrivalMs: this.#arrivalOf(e.speechEnd),
      endpointArrivalMs: this.#arrivalOf(e.sample),
    });
    out.push(result);
    if (result.words.length > 0) {
      this.#lastWordEnd = result.words[result.words.length - 1]!.end;
      this.#utteranceEndSent = false;
    }
    this.#cursor = end;
    if (utterance) this.#last = { utterance, endSample: e.sample, endOffsetMs: seg.offsetMs };
    this.#segment = undefined;
  }

  /** Acts on the linker's decision: binds the segment to its utterance, or counts why not. */
  #settle(seg: Segment, linkerDecision: LinkDecision, out: StreamEvent[]): void {
    if (linkerDecision.status === 'pending') return;
    if (seg.settled) {
      if (seg.continuation) seg.offsetMs = seg.offsetAtStartMs + (seg.pushed * 1000) / this.#o.sampleRate;
      else if (linkerDecision.status === 'linked' && seg.utterance) seg.offsetMs = linkerDecision.offsetMs;
      return;
    }
    seg.settled = true;
    const stats = this.#o.stats;
    const decision =
      linkerDecision.status === 'unknown' ? (this.#continuation(seg) ?? linkerDecision) : linkerDecision;
    seg.continuation = decision !== linkerDecision;
    if (decision.status === 'unknown') {
      stats?.unlinked(decision.reason);
      this.#draw(seg, undefined, out);
      return;
    }
    const ref = this.#o.recogniser.lookup(decision.utteranceId);
    if (!ref) {
      if (stats) stats.unknownUtterance++;
      this.#draw(seg, undefined, out);
      return;
    }
    if (stats) stats.linked++;
    const callId = callIdOfUtterance(decision.utteranceId) ?? ref.plan.id;
    if (this.#boundCallId === undefined) {
      this.#boundCallId = callId;
      this.#o.onBound?.(callId);
    }
    const effects = this.#draw(seg, { cohort: ref.plan.cohort, callId }, out);
    if (this.#stopped || !effects) return;
    let utterance = this.#utterances.get(decision.utteranceId);
    if (!utterance) {
      const attempt = this.#o.recogniser.nextAttempt(decision.utteranceId);
      const recognition = this.#o.recogniser.recognise({
        utteranceId: decision.utteranceId,
        audioMs: ref.turn.speechMs,
        attempt,
        ...(effects.asr.confidenceMean === undefined ? {} : { faultMean: effects.asr.confidenceMean }),
      });
      utterance = { id: decision.utteranceId, recognition, emitted: 0 };
      this.#utterances.set(decision.utteranceId, utterance);
    }
    seg.utterance = utterance;
    seg.offsetMs = decision.offsetMs;
    seg.offsetAtStartMs = decision.offsetMs - (seg.pushed * 1000) / this.#o.sampleRate;
  }

  /**
   * Placeholder audio (tagged) carries its tag only at the utterance's start: a segment cut out of
   * the same utterance later (after a Finalize, or a pause) continues the last linked utterance,
   * if it starts within that utterance's planned duration and words of it are still unsaid.
   */
  #continuation(seg: Segment): Extract<LinkDecision, { status: 'linked' }> | undefined {
    const last = this.#last;
    if (!this.#placeholder || !last || last.utterance.emitted >= last.utterance.recognition.words.length)
      return undefined;
    const rate = this.#o.sampleRate;
    const startOffset = last.endOffsetMs + ((seg.startSample - last.endSample) * 1000) / rate;
    if (startOffset >= last.utterance.recognition.durationMs) return undefined;
    return {
      status: 'linked',
      utteranceId: last.utterance.id,
      confidence: 1,
      offsetMs: startOffset + (seg.pushed * 1000) / rate,
    };
  }

  /** Asks the faults about this segment (once); a drop or silence stops the stream here. */
  #draw(
    seg: Segment,
    who: { cohort: string; callId: string } | undefined,
    out: StreamEvent[],
  ): FaultEffects | undefined {
    if (seg.effects) return seg.effects;
    seg.effects = this.#o.effectsFor({ segment: seg.index, ...who });
    if (seg.effects.stream.silent) {
      if (this.#o.stats) this.#o.stats.silenced++;
      out.push({ kind: 'silence' });
      this.#stopped = true;
      return undefined;
    }
    this.#checkDrop(seg, out);
    return this.#stopped ? undefined : seg.effects;
  }

  #checkDrop(seg: Segment, out: StreamEvent[]): void {
    const after = seg.effects?.stream.dropAfterMs;
    if (after === undefined || (seg.pushed * 1000) / this.#o.sampleRate < after) return;
    if (this.#o.stats) this.#o.stats.dropped++;
    out.push({ kind: 'drop' });
    this.#stopped = true;
  }

  #maybeInterim(seg: Segment, out: StreamEvent[]): void {
    this.#checkDrop(seg, out);
    if (this.#stopped || !this.#o.settings.interimResults || !seg.utterance) return;
    if (seg.pushed - seg.interimAt < this.#interimSamples) return;
    seg.interimAt = seg.pushed;
    const words = heardWords(
      seg.utterance.recognition.words,
      seg.utterance.emitted,
      seg.offsetMs,
      'complete',
    );
    if (words.length <= seg.interimWords) return;
    seg.interimWords = words.length;
    out.push(
      this.#result({
        isFinal: false,
        speechFinal: false,
        fromFinalize: false,
        end: (seg.startSample + seg.pushed) / this.#o.sampleRate,
        words: timedWords(
          words,
          seg.startSample / this.#o.sampleRate,
          seg.offsetAtStartMs,
          this.#o.settings.punctuate,
        ),
        confidence: seg.utterance.recognition.confidence,
      }),
    );
  }

  #result(r: Omit<ResultInput, 'cursor'>): StreamResult {
    return resultOf({ ...r, cursor: this.#cursor });
  }

  #finalDelay(seg: Segment): number {
    const fault = seg.effects?.stream.finalDelayMs ?? 0;
    if (this.#latency === false || this.#latency.medianMs <= 0) return fault;
    const rng = seeded(this.#o.seed, 'stream-final', this.#o.streamId, seg.index);
    return Math.round(lognormal(rng, this.#latency.medianMs, this.#latency.p90Ms)) + fault;
  }

  #checkUtteranceEnd(out: StreamEvent[]): void {
    const gap = this.#o.settings.utteranceEndMs;
    if (gap === undefined || !this.#o.settings.interimResults || this.#utteranceEndSent) return;
    if (this.#lastWordEnd === undefined || (this.#segment?.interimWords ?? 0) > 0) return;
    if ((this.durationSec - this.#lastWordEnd) * 1000 < gap) return;
    this.#utteranceEndSent = true;
    out.push({ kind: 'utterance-end', lastWordEnd: this.#lastWordEnd });
  }

  #arrivalOf(sample: number): number | undefined {
    for (const [end, at] of this.#arrivals) if (end >= sample) return at;
    return this.#arrivals[this.#arrivals.length - 1]?.[1];
  }
}

const round = (x: number): number => Math.round(x * 1000) / 1000;
