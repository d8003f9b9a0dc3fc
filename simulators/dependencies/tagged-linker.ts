import { callIdOfUtterance } from './ground-truth.ts';
import type { LinkContext, LinkDecision, SegmentLinker, UtteranceLinker } from './utterance-linker.ts';
import { UtteranceTagScanner } from './utterance-tag-scanner.ts';

/**
 * Links callstorm's tagged caller audio (the utterance id in the first bytes of μ-law 8 kHz, then
 * silence: callers/utterance-audio.ts) to its utterance: the tag names it outright. Works on
 * μ-law 8 kHz streams and on PCM16 decoded from them (the bytes re-encode exactly); a stream at
 * another rate, or gain-changed, carries no readable tag and is `unknown`. The audio after the tag
 * is silence standing for speech, which is why the tagged method pairs with TaggedVoiceActivity.
 */
export class TaggedLinker implements UtteranceLinker {
  readonly method = 'tagged';
  /** Silence in this audio stands for speech: endpointing must hold the utterance open. */
  readonly placeholderAudio = true;
  /** How far into a segment the tag may start (its pre-roll and onset come first). */
  readonly searchMs: number;

  constructor(options: { searchMs?: number } = {}) {
    this.searchMs = options.searchMs ?? 200;
  }

  segment(context: LinkContext): SegmentLinker {
    return new TaggedSegment(context.sampleRate, this.searchMs);
  }
}

type Final = Exclude<LinkDecision, { readonly status: 'pending' }>;

class TaggedSegment implements SegmentLinker {
  readonly #rate: number;
  readonly #searchSamples: number;
  readonly #scanner = new UtteranceTagScanner();
  #pushed = 0;
  #tag: { utteranceId: string; sample: number } | undefined;
  #failed: Final | undefined;

  constructor(sampleRate: number, searchMs: number) {
    this.#rate = sampleRate;
    this.#searchSamples = Math.round((sampleRate * searchMs) / 1000);
  }

  push(samples: Int16Array): LinkDecision {
    if (!this.#tag && !this.#failed) {
      const found = this.#scanner.pushSamples(samples)[0];
      if (found) {
        this.#tag = found;
        if (callIdOfUtterance(found.utteranceId) === undefined)
          this.#failed = { status: 'unknown', reason: 'malformed-tag' };
      }
    }
    this.#pushed += samples.length;
    if (this.#failed) return this.#failed;
    if (this.#tag) return this.#linked();
    if (this.#pushed >= this.#searchSamples) {
      this.#failed = { status: 'unknown', reason: 'no-tag' };
      return this.#failed;
    }
    return { status: 'pending' };
  }

  end(): Final {
    if (this.#failed) return this.#failed;
    if (this.#tag) return this.#linked();
    return { status: 'unknown', reason: 'no-tag' };
  }

  #linked(): Final {
    const tag = this.#tag!;
    return {
      status: 'linked',
      utteranceId: tag.utteranceId,
      confidence: 1,
      offsetMs: (Math.max(0, this.#pushed - tag.sample) * 1000) / this.#rate,
    };
  }
}
