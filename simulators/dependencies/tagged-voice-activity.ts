import { EnergyVad, type VoiceActivity } from './energy-vad.ts';
import type { UtteranceLinker } from './utterance-linker.ts';
import { UtteranceTagScanner } from './utterance-tag-scanner.ts';

/** How long the tag of an utterance the ground truth does not know is held. */
export const UNKNOWN_HOLD_MS = 500;

/**
 * Voice activity for streams that may carry callstorm's tagged audio: speech where the inner VAD
 * hears it, and from each utterance tag for that utterance's planned duration (the silence after
 * a tag stands for the caller speaking). A new tag ends the previous hold. Audio without tags is
 * judged by the inner VAD alone, so tagged and real speech streams share one endpointer.
 */
export class TaggedVoiceActivity implements VoiceActivity {
  readonly #inner: VoiceActivity;
  readonly #rate: number;
  readonly #durationMs: (utteranceId: string) => number | undefined;
  readonly #scanner = new UtteranceTagScanner();
  /** Stream sample index of the next frame. */
  #position = 0;
  #holdUntil = 0;

  constructor(options: {
    inner: VoiceActivity;
    sampleRate: number;
    /** The utterance's planned speech duration (ground truth), undefined when unknown. */
    durationMs: (utteranceId: string) => number | undefined;
  }) {
    this.#inner = options.inner;
    this.#rate = options.sampleRate;
    this.#durationMs = options.durationMs;
  }

  frame(samples: Int16Array, from: number, to: number): boolean {
    const voiced = this.#inner.frame(samples, from, to);
    for (const tag of this.#scanner.pushSamples(samples.subarray(from, to))) {
      // An utterance the ground truth does not know still opens a segment (its final is empty).
      const ms = this.#durationMs(tag.utteranceId) ?? UNKNOWN_HOLD_MS;
      this.#holdUntil = tag.sample + Math.round((ms * this.#rate) / 1000);
    }
    this.#position += to - from;
    // The frame is held if any of it lies before the hold's end.
    return voiced || this.#position - (to - from) < this.#holdUntil;
  }
}

/**
 * A stream's VAD: the energy VAD, held open over tagged utterances when the linker's audio is a
 * placeholder for speech (`TaggedLinker.placeholderAudio`).
 */
export function defaultVoiceActivity(
  linker: UtteranceLinker,
  sampleRate: number,
  durationMs: (utteranceId: string) => number | undefined,
): VoiceActivity {
  const energy = new EnergyVad();
  const placeholder = (linker as { placeholderAudio?: boolean }).placeholderAudio === true;
  return placeholder ? new TaggedVoiceActivity({ inner: energy, sampleRate, durationMs }) : energy;
}
