import { pcmToMulaw } from '../../src/audio/g711.ts';

/**
 * Finds callstorm's utterance tags (`CSU1` · length · id, see callers/utterance-audio.ts) in a
 * stream of audio, wherever they fall and however the stream is chunked. The tag lives in μ-law
 * bytes; PCM16 decoded from them re-encodes to the very same bytes, so the scanner also finds
 * tags in linear16 a bot decoded from the caller's μ-law (at 8 kHz: resampling destroys them).
 */
export interface FoundTag {
  readonly utteranceId: string;
  /** Stream sample index of the tag's first byte. */
  readonly sample: number;
}

const MAGIC = [0x43, 0x53, 0x55, 0x31]; // "CSU1"
const MAX_HEADER = MAGIC.length + 1 + 255;

export class UtteranceTagScanner {
  /** Bytes kept from the previous chunk: a tag may straddle two. */
  #carry = new Uint8Array(0);
  #position = 0;

  /** Scans the next PCM16 samples; returns the tags that complete in them. */
  pushSamples(samples: Int16Array): FoundTag[] {
    return this.pushMulaw(pcmToMulaw(samples));
  }

  /** Scans the next μ-law bytes. */
  pushMulaw(bytes: Uint8Array): FoundTag[] {
    const start = this.#position - this.#carry.length;
    this.#position += bytes.length;
    let data = bytes;
    if (this.#carry.length > 0) {
      data = new Uint8Array(this.#carry.length + bytes.length);
      data.set(this.#carry);
      data.set(bytes, this.#carry.length);
    }
    const found: FoundTag[] = [];
    let keepFrom = Math.max(0, data.length - (MAGIC.length - 1));
    for (let i = data.indexOf(MAGIC[0]!); i >= 0 && i < data.length; i = data.indexOf(MAGIC[0]!, i + 1)) {
      if (!startsMagic(data, i)) continue;
      if (i + MAGIC.length >= data.length) {
        keepFrom = Math.min(keepFrom, i);
        break;
      }
      const length = data[i + MAGIC.length]!;
      const end = i + MAGIC.length + 1 + length;
      if (end > data.length) {
        keepFrom = Math.min(keepFrom, i);
        break;
      }
      const id = Buffer.from(data.subarray(i + MAGIC.length + 1, end)).toString('utf8');
      found.push({ utteranceId: id, sample: start + i });
      i = end - 1;
      keepFrom = Math.max(keepFrom, Math.min(end, data.length));
    }
    this.#carry = data.slice(Math.min(keepFrom, data.length), data.length).slice(-MAX_HEADER);
    return found;
  }
}

function startsMagic(data: Uint8Array, i: number): boolean {
  for (let k = 0; k < MAGIC.length && i + k < data.length; k++) if (data[i + k] !== MAGIC[k]) return false;
  return true;
}
