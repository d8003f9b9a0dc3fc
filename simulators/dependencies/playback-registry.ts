import { z } from 'zod';
import { CallstormError } from '../../src/errors/callstorm-error.ts';
import { fingerprintOf } from './acoustic-fingerprint.ts';
import { callIdOfUtterance } from './ground-truth.ts';
import { normaliseTranscript } from './normalise-transcript.ts';

/**
 * What the harness is playing: the candidates the acoustic linker matches heard audio against.
 * The driver (or any transport that plays caller audio) announces each utterance as it starts
 * playing — `POST <asr controlUrl>/playing` `{"playing":[{"utteranceId","startedAt"}]}`, epoch ms,
 * because the simulators run in another process. The registry renders the utterance itself (the
 * same deterministic render the driver played, from the speech cache), fingerprints it and indexes
 * its fingerprint until `lingerMs` after the audio ended.
 */
export const playbackAnnouncementSchema = z.strictObject({
  playing: z
    .array(
      z.strictObject({
        /** `<callId>.u<n>`. */
        utteranceId: z.string().min(1).max(255),
        /** When the harness started playing it (epoch ms). */
        startedAt: z.number().finite().nonnegative(),
      }),
    )
    .min(1)
    .max(10_000),
});
export type PlaybackAnnouncement = z.infer<typeof playbackAnnouncementSchema>['playing'][number];

/** The audio the harness plays for an utterance: PCM16 at 8 kHz (what a phone line carries). */
export interface PlayedAudio {
  readonly samples8k: Int16Array;
  /** The utterance's text (utterances with the same text are each other's closest rivals). */
  readonly text: string;
}

/** Finds the played audio of an utterance id (undefined: not an utterance of these simulators' calls). */
export type PlayedAudioSource = (utteranceId: string) => Promise<PlayedAudio | undefined>;

export interface PlaybackReference {
  readonly index: number;
  readonly utteranceId: string;
  readonly callId: string;
  /** Normalised text. */
  readonly text: string;
  startedAt: number;
  readonly durationMs: number;
  readonly words: Uint32Array;
  readonly usable: Uint8Array;
}

export interface PlaybackRegistryOptions {
  readonly source: PlayedAudioSource;
  /** Wall clock, epoch ms (default Date.now). */
  readonly now?: () => number;
  /**
   * How long after its audio ended an utterance stays a candidate (default 20 s): an agent may post
   * it to the ASR late, or again after a failure.
   */
  readonly lingerMs?: number;
  /** How long before its announced start audio may be heard (clock skew; default 1 s). */
  readonly leadMs?: number;
}

export interface PlaybackRegistryStats {
  readonly announced: number;
  /** Announced ids that are no utterance of the simulators' calls. */
  readonly unknown: number;
  readonly failed: number;
  readonly preparing: number;
  readonly live: number;
  readonly expired: number;
}

/** Index buckets: the low and the high 16 bits of each fingerprint word, in two tables. */
const BUCKETS = 1 << 17;
/** Frames per reference the index addresses (at 8 ms a frame: 65 s of audio). */
export const MAX_REFERENCE_FRAMES = 8_192;

export class PlaybackRegistry {
  readonly now: () => number;
  readonly lingerMs: number;
  readonly leadMs: number;
  readonly #source: PlayedAudioSource;
  readonly #refs: (PlaybackReference | null)[] = [];
  readonly #byUtterance = new Map<string, PlaybackReference>();
  readonly #byText = new Map<string, Set<PlaybackReference>>();
  #buckets: (number[] | undefined)[] = new Array(BUCKETS);
  #indexed = 0;
  #deadEntries = 0;
  readonly #preparing = new Map<string, Promise<void>>();
  #announced = 0;
  #unknown = 0;
  #failed = 0;
  #expired = 0;

  constructor(options: PlaybackRegistryOptions) {
    this.#source = options.source;
    this.now = options.now ?? Date.now;
    this.lingerMs = options.lingerMs ?? 20_000;
    this.leadMs = options.leadMs ?? 1_000;
  }

  get stats(): PlaybackRegistryStats {
    return {
      announced: this.#announced,
      unknown: this.#unknown,
      failed: this.#failed,
      preparing: this.#preparing.size,
      live: this.#byUtterance.size,
      expired: this.#expired,
    };
  }

  /** The control API's body → announcements (a CallstormError for a malformed body). */
  static parse(body: unknown): readonly PlaybackAnnouncement[] {
    const parsed = playbackAnnouncementSchema.safeParse(body);
    if (parsed.success) return parsed.data.playing;
    const issue = parsed.error.issues[0];
    throw new CallstormError('CS_ERR_BAD_ARGUMENT', {
      option: `playing announcement ${issue?.path.join('.') || 'body'}`,
      reason: issue?.message ?? 'invalid',
      fix: 'POST {"playing":[{"utteranceId":"cs-1-0.u0","startedAt":<epoch ms>}]} (docs/simulators.md, "Linking speech")',
    });
  }

  /** The harness started playing these utterances: prepare their fingerprints (see `settled`). */
  announce(items: readonly PlaybackAnnouncement[]): { readonly accepted: number } {
    this.#prune();
    for (const item of items) {
      this.#announced++;
      const known = this.#byUtterance.get(item.utteranceId);
      if (known) {
        // Played again (the caller repeats it): a candidate again from the new start.
        known.startedAt = Math.max(known.startedAt, item.startedAt);
        continue;
      }
      if (this.#preparing.has(item.utteranceId)) continue;
      const done = this.#prepare(item).finally(() => this.#preparing.delete(item.utteranceId));
      this.#preparing.set(item.utteranceId, done);
    }
    return { accepted: items.length };
  }

  /** Resolves when every announcement made so far is indexed (or failed); later ones are not waited for. */
  async settled(): Promise<void> {
    if (this.#preparing.size > 0) await Promise.all(this.#preparing.values());
  }

  get preparing(): number {
    return this.#preparing.size;
  }

  async #prepare(item: PlaybackAnnouncement): Promise<void> {
    let audio: PlayedAudio | undefined;
    try {
      audio = await this.#source(item.utteranceId);
    } catch {
      this.#failed++;
      return;
    }
    if (!audio) {
      this.#unknown++;
      return;
    }
    const fp = fingerprintOf(audio.samples8k, 8_000);
    const frames = Math.min(fp.words.length, MAX_REFERENCE_FRAMES);
    const ref: PlaybackReference = {
      index: this.#refs.length,
      utteranceId: item.utteranceId,
      callId: callIdOfUtterance(item.utteranceId) ?? item.utteranceId,
      text: normaliseTranscript(audio.text),
      startedAt: item.startedAt,
      durationMs: audio.samples8k.length / 8,
      words: fp.words.subarray(0, frames),
      usable: fp.usable.subarray(0, frames),
    };
    this.#refs.push(ref);
    this.#byUtterance.set(ref.utteranceId, ref);
    let same = this.#byText.get(ref.text);
    if (!same) {
      same = new Set();
      this.#byText.set(ref.text, same);
    }
    same.add(ref);
    this.#index(ref);
  }

  #index(ref: PlaybackReference): void {
    for (let f = 0; f < ref.words.length; f++) {
      if (!ref.usable[f]) continue;
      const word = ref.words[f]!;
      const entry = ref.index * MAX_REFERENCE_FRAMES + f;
      this.#add(word & 0xffff, entry);
      this.#add(0x10000 | (word >>> 16), entry);
      this.#indexed += 2;
    }
  }

  #add(bucket: number, entry: number): void {
    const list = this.#buckets[bucket];
    if (list) list.push(entry);
    else this.#buckets[bucket] = [entry];
  }

  /** Whether a reference is a candidate for audio heard by a segment that began at `segmentStart`. */
  eligible(ref: PlaybackReference, segmentStart: number, now: number): boolean {
    return (
      ref.startedAt - this.leadMs <= now && segmentStart <= ref.startedAt + ref.durationMs + this.lingerMs
    );
  }

  /** The references a fingerprint word may match, as `index × MAX_REFERENCE_FRAMES + frame` entries. */
  lookup(word: number, visit: (ref: PlaybackReference, frame: number) => void): void {
    for (const bucket of [word & 0xffff, 0x10000 | (word >>> 16)]) {
      const list = this.#buckets[bucket];
      if (!list) continue;
      for (const entry of list) {
        const ref = this.#refs[Math.floor(entry / MAX_REFERENCE_FRAMES)];
        if (ref) visit(ref, entry % MAX_REFERENCE_FRAMES);
      }
    }
  }

  /** Live references with the same (normalised) text. */
  sameText(text: string): ReadonlySet<PlaybackReference> {
    return this.#byText.get(text) ?? new Set();
  }

  /** Live references of a call. */
  *ofCall(callId: string): Generator<PlaybackReference> {
    for (const ref of this.#byUtterance.values()) if (ref.callId === callId) yield ref;
  }

  /** Any live reference at all (to tell "nothing is playing" from "nothing matched"). */
  get live(): number {
    return this.#byUtterance.size;
  }

  /** Drops references no segment can match any more; rebuilds the index when half of it is dead. */
  #prune(): void {
    const now = this.now();
    for (const ref of this.#byUtterance.values()) {
      if (ref.startedAt + ref.durationMs + 2 * this.lingerMs > now) continue;
      this.#byUtterance.delete(ref.utteranceId);
      this.#byText.get(ref.text)?.delete(ref);
      if (this.#byText.get(ref.text)?.size === 0) this.#byText.delete(ref.text);
      this.#refs[ref.index] = null;
      this.#expired++;
      for (let f = 0; f < ref.words.length; f++) if (ref.usable[f]) this.#deadEntries += 2;
    }
    if (this.#deadEntries > 0 && this.#deadEntries * 2 > this.#indexed) {
      this.#buckets = new Array(BUCKETS);
      this.#indexed = 0;
      this.#deadEntries = 0;
      for (const ref of this.#byUtterance.values()) this.#index(ref);
    }
  }
}
