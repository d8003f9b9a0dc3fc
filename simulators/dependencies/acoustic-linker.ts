import { FingerprintStream, HOP_MS, HOP_SAMPLES, popcount } from './acoustic-fingerprint.ts';
import type { PlaybackReference, PlaybackRegistry } from './playback-registry.ts';
import type { LinkContext, LinkDecision, SegmentLinker, UtteranceLinker } from './utterance-linker.ts';

/**
 * The `acoustic` linker: which planned utterance a segment of speech audio is, from the audio alone.
 *
 * 1. Candidates are what the harness is playing (`PlaybackRegistry`): utterances announced before
 *    the segment and not long finished.
 * 2. The segment is fingerprinted as it arrives (`FingerprintStream`, at any sample rate). Each
 *    frame's word is looked up in the registry's index; every hit votes for (utterance, offset).
 * 3. The most-voted (utterance, offset) pairs, and every candidate saying the same text as the
 *    best of them, are scored by bit error rate (BER) against the segment's frames so far.
 * 4. A decision needs enough frames, a low BER, and a margin over the best rival utterance: the
 *    rival is usually the same words said by another caller. Until then `push` says `pending`;
 *    `end` says `unknown` (with a reason) rather than guess. A stream already bound to a call
 *    (`boundCallId`) needs no margin over other calls' utterances, only over its own call's.
 */
export interface AcousticThresholds {
  /** Usable frames before any decision (8 ms each). */
  readonly minFrames: number;
  /** Early decision: BER at most this, margin at least `fastMargin`. */
  readonly fastBer: number;
  readonly fastMargin: number;
  /** Later decision (≥ `slowFrames` frames, or at the end): BER at most this, margin at least `margin`. */
  readonly maxBer: number;
  readonly margin: number;
  readonly slowFrames: number;
}

export const DEFAULT_THRESHOLDS: AcousticThresholds = {
  minFrames: 30,
  fastBer: 0.12,
  fastMargin: 0.12,
  maxBer: 0.2,
  margin: 0.07,
  slowFrames: 100,
};

/** Candidates scored at each evaluation, by votes. */
const TOP = 12;
/** Frames between evaluations while pending. */
const EVALUATE_EVERY = 4;

export type UnknownReason = 'no-candidate' | 'too-short' | 'no-match' | 'ambiguous';

export interface AcousticLinkerCounters {
  segments: number;
  linked: number;
  /** Linked to the call the stream was bound to, with a rival from another call too close to exclude. */
  linkedByBinding: number;
  unknown: Record<UnknownReason, number>;
}

export interface AcousticLinkerOptions {
  readonly registry: PlaybackRegistry;
  readonly thresholds?: Partial<AcousticThresholds>;
}

interface Score {
  readonly ref: PlaybackReference;
  readonly offset: number;
  readonly ber: number;
  readonly frames: number;
}

export class AcousticLinker implements UtteranceLinker {
  readonly method = 'acoustic';
  readonly registry: PlaybackRegistry;
  readonly thresholds: AcousticThresholds;
  readonly counters: AcousticLinkerCounters = {
    segments: 0,
    linked: 0,
    linkedByBinding: 0,
    unknown: { 'no-candidate': 0, 'too-short': 0, 'no-match': 0, ambiguous: 0 },
  };

  constructor(options: AcousticLinkerOptions) {
    this.registry = options.registry;
    this.thresholds = { ...DEFAULT_THRESHOLDS, ...options.thresholds };
  }

  /** Resolves when every utterance announced so far is a candidate (the REST handler waits for it). */
  settled(): Promise<void> {
    return this.registry.settled();
  }

  segment(context: LinkContext): SegmentLinker {
    this.counters.segments++;
    return new AcousticSegment(this, context);
  }
}

class AcousticSegment implements SegmentLinker {
  readonly #linker: AcousticLinker;
  readonly #context: LinkContext;
  readonly #startedAt: number;
  readonly #stream: FingerprintStream;
  /** Votes by reference index, then by offset. */
  readonly #votes = new Map<number, Map<number, number>>();
  readonly #refs = new Map<number, PlaybackReference>();
  #looked = 0;
  #usable = 0;
  #lastEvaluated = 0;
  #decision: Extract<LinkDecision, { status: 'linked' }> | null = null;
  #offsetSamples = 0;
  /** Samples (at the segment's rate) pushed after the decision. */
  #after = 0;
  #ended: Exclude<LinkDecision, { status: 'pending' }> | null = null;
  /** Why the last evaluation did not decide. */
  #why: UnknownReason = 'no-candidate';

  constructor(linker: AcousticLinker, context: LinkContext) {
    this.#linker = linker;
    this.#context = context;
    this.#startedAt = linker.registry.now();
    this.#stream = new FingerprintStream(context.sampleRate);
  }

  push(samples: Int16Array): LinkDecision {
    if (this.#ended) return this.#ended;
    if (this.#decision) {
      // Decided: the rest of the segment only moves the offset on.
      this.#after += samples.length;
      return this.#linked();
    }
    this.#stream.push(samples);
    this.#look();
    if (
      this.#usable >= this.#linker.thresholds.minFrames &&
      this.#usable - this.#lastEvaluated >= EVALUATE_EVERY
    ) {
      this.#lastEvaluated = this.#usable;
      const decision = this.#evaluate(false);
      if (decision) return decision;
    }
    return { status: 'pending' };
  }

  end(): Exclude<LinkDecision, { status: 'pending' }> {
    if (this.#ended) return this.#ended;
    if (!this.#decision) {
      this.#stream.end();
      this.#look();
      this.#evaluate(true);
    }
    this.#ended = this.#decision ? this.#linked() : this.#unknown(this.#why);
    return this.#ended;
  }

  #unknown(reason: UnknownReason): Exclude<LinkDecision, { status: 'pending' }> {
    this.#linker.counters.unknown[reason]++;
    return { status: 'unknown', reason };
  }

  #linked(): Extract<LinkDecision, { status: 'linked' }> {
    const d = this.#decision!;
    const reached =
      this.#offsetSamples + this.#stream.samples8k + (this.#after * 8_000) / this.#context.sampleRate;
    return { ...d, offsetMs: Math.max(0, Math.round(reached / 8)) };
  }

  /** Looks up the new frames' words: votes for (reference, offset). */
  #look(): void {
    const registry = this.#linker.registry;
    const words = this.#stream.words;
    const usable = this.#stream.usable;
    const now = registry.now();
    for (let t = this.#looked; t < words.length; t++) {
      if (!usable[t]) continue;
      this.#usable++;
      registry.lookup(words[t]!, (ref, frame) => {
        if (!registry.eligible(ref, this.#startedAt, now)) return;
        let byOffset = this.#votes.get(ref.index);
        if (!byOffset) {
          byOffset = new Map();
          this.#votes.set(ref.index, byOffset);
          this.#refs.set(ref.index, ref);
        }
        const offset = frame - t;
        byOffset.set(offset, (byOffset.get(offset) ?? 0) + 1);
      });
    }
    this.#looked = words.length;
  }

  #score(ref: PlaybackReference, around: number, spread: number): Score {
    const words = this.#stream.words;
    const usable = this.#stream.usable;
    let best: Score = { ref, offset: around, ber: 1, frames: 0 };
    for (let offset = around - spread; offset <= around + spread; offset++) {
      let bits = 0;
      let frames = 0;
      const from = Math.max(0, -offset);
      const to = Math.min(words.length, ref.words.length - offset);
      for (let t = from; t < to; t++) {
        if (!usable[t] || !ref.usable[t + offset]) continue;
        bits += popcount(words[t]! ^ ref.words[t + offset]!);
        frames++;
      }
      if (frames < 8) continue;
      const ber = bits / (32 * frames);
      if (ber < best.ber) best = { ref, offset, ber, frames };
    }
    return best;
  }

  /** Scores the candidates; sets the decision when one is sure. Returns it, or null while unsure. */
  #evaluate(final: boolean): Extract<LinkDecision, { status: 'linked' }> | null {
    const th = this.#linker.thresholds;
    const registry = this.#linker.registry;
    if (registry.live === 0 && registry.preparing === 0) {
      this.#why = 'no-candidate';
      return null;
    }
    if (this.#usable < th.minFrames) {
      this.#why = registry.live === 0 ? 'no-candidate' : 'too-short';
      return null;
    }
    // Best offset per reference (votes at neighbouring offsets count together), then the top ones.
    const ranked: { ref: PlaybackReference; offset: number; votes: number }[] = [];
    for (const [index, byOffset] of this.#votes) {
      let bestOffset = 0;
      let bestVotes = -1;
      for (const [offset, votes] of byOffset) {
        const v = votes + (byOffset.get(offset - 1) ?? 0) + (byOffset.get(offset + 1) ?? 0);
        if (v > bestVotes) {
          bestVotes = v;
          bestOffset = offset;
        }
      }
      ranked.push({ ref: this.#refs.get(index)!, offset: bestOffset, votes: bestVotes });
    }
    ranked.sort((a, b) => b.votes - a.votes);
    const scores = new Map<PlaybackReference, Score>();
    for (const r of ranked.slice(0, TOP)) scores.set(r.ref, this.#score(r.ref, r.offset, 2));
    let best: Score | undefined;
    for (const s of scores.values()) if (!best || s.ber < best.ber) best = s;
    if (!best || best.ber > th.maxBer) {
      this.#why = registry.live === 0 ? 'no-candidate' : 'no-match';
      return null;
    }
    // The closest rivals say the same words: score every live one of them near the same offset.
    const now = registry.now();
    for (const ref of registry.sameText(best.ref.text)) {
      if (scores.has(ref) || !registry.eligible(ref, this.#startedAt, now)) continue;
      scores.set(ref, this.#score(ref, best.offset, 12));
    }
    const bound = this.#context.boundCallId;
    let rival = 1;
    let rivalSameCall = 1;
    for (const s of scores.values()) {
      if (s.ref === best.ref) continue;
      rival = Math.min(rival, s.ber);
      if (s.ref.callId === best.ref.callId) rivalSameCall = Math.min(rivalSameCall, s.ber);
    }
    const margin = rival - best.ber;
    const fast = best.frames >= th.minFrames && best.ber <= th.fastBer && margin >= th.fastMargin;
    const slow = (final || best.frames >= th.slowFrames) && margin >= th.margin;
    const byBinding =
      bound !== undefined &&
      bound === best.ref.callId &&
      best.frames >= th.minFrames &&
      rivalSameCall - best.ber >= th.margin &&
      (final || best.frames >= th.slowFrames || best.ber <= th.fastBer);
    if (!fast && !slow && !byBinding) {
      this.#why = 'ambiguous';
      return null;
    }
    this.#linker.counters.linked++;
    if (!fast && !slow) this.#linker.counters.linkedByBinding++;
    this.#offsetSamples = best.offset * HOP_SAMPLES;
    this.#decision = {
      status: 'linked',
      utteranceId: best.ref.utteranceId,
      confidence: Math.round(Math.max(0, Math.min(1, 1 - best.ber / 0.5)) * 1000) / 1000,
      offsetMs: Math.round(best.offset * HOP_MS),
    };
    return this.#linked();
  }
}
