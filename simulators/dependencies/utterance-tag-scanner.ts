import { mulawToPcm, pcmToMulaw } from '../../src/audio/g711.ts';

/**
 * Finds callstorm's utterance tags (`CSU1` · length · id, see callers/utterance-audio.ts) in a
 * stream of audio, wherever they fall and however the stream is chunked. The tag lives in μ-law
 * bytes; PCM16 decoded from them holds each byte's exact decoded value, so the scanner looks for
 * those values in the samples (no re-encoding of the stream: it runs on every frame of every live
 * stream) and re-encodes only the few samples of a tag it found. Works on linear16 a bot decoded
 * from the caller's μ-law at 8 kHz; resampling or a gain change destroys the tag.
 */
export interface FoundTag {
  readonly utteranceId: string;
  /** Stream sample index of the tag's first byte. */
  readonly sample: number;
}

const MAGIC = mulawToPcm(new Uint8Array([0x43, 0x53, 0x55, 0x31])); // "CSU1"
const FIRST = MAGIC[0]!;
const HEADER = MAGIC.length + 1;
const MAX_TAG = HEADER + 255;

export class UtteranceTagScanner {
  /** Samples held back from earlier chunks: the start of a tag that may continue. */
  #carry = new Int16Array(0);
  /** Stream sample index of the next sample to arrive. */
  #position = 0;

  /** Scans the next PCM16 samples; returns the tags that complete in them. */
  pushSamples(samples: Int16Array): readonly FoundTag[] {
    let data = samples;
    const start = this.#position - this.#carry.length;
    this.#position += samples.length;
    if (this.#carry.length > 0) {
      data = new Int16Array(this.#carry.length + samples.length);
      data.set(this.#carry);
      data.set(samples, this.#carry.length);
      this.#carry = new Int16Array(0);
    }
    const found: FoundTag[] = [];
    for (let i = data.indexOf(FIRST); i >= 0; i = data.indexOf(FIRST, i + 1)) {
      let k = 1;
      while (k < MAGIC.length && i + k < data.length && data[i + k] === MAGIC[k]) k++;
      if (k < MAGIC.length && i + k < data.length) continue;
      if (i + HEADER > data.length) {
        this.#carry = data.slice(i);
        break;
      }
      const length = pcmToMulaw(data.subarray(i + MAGIC.length, i + HEADER))[0]!;
      if (i + HEADER + length > data.length) {
        this.#carry = data.slice(i, i + MAX_TAG);
        break;
      }
      const id = Buffer.from(pcmToMulaw(data.subarray(i + HEADER, i + HEADER + length))).toString('utf8');
      found.push({ utteranceId: id, sample: start + i });
      i += HEADER + length - 1;
    }
    return found.length > 0 ? found : NONE;
  }

  /** Scans the next μ-law bytes. */
  pushMulaw(bytes: Uint8Array): readonly FoundTag[] {
    return this.pushSamples(mulawToPcm(bytes));
  }
}

const NONE: readonly FoundTag[] = Object.freeze([]);
