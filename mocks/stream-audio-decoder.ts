import { type AudioEncoding, bytesPerSample, decodeSamples } from '../src/audio/audio-encoding.ts';
import { parseWav } from '../src/audio/wav.ts';

/** One binary frame of a stream, decoded. */
export type DecodedFrame =
  | {
      readonly ok: true;
      /** Mono PCM16 at the stream's rate (channels mixed). */
      readonly samples: Int16Array;
      /** A sample was split across frames (an odd byte count for linear16): carried to the next frame. */
      readonly split: boolean;
      /** A WAV header at the start of a raw stream was skipped. */
      readonly skippedHeader: boolean;
    }
  | { readonly ok: false; readonly message: string };

const MAX_HEADER_BYTES = 4096;
/** PCM16 LE can be copied straight into an Int16Array on little-endian machines (all Node targets). */
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

function isRiff(bytes: Uint8Array): boolean {
  return (
    bytes.length >= 12 &&
    String.fromCharCode(...bytes.subarray(0, 4)) === 'RIFF' &&
    String.fromCharCode(...bytes.subarray(8, 12)) === 'WAVE'
  );
}

/**
 * A live stream's audio as the vendor reads it: a byte stream, so a frame may end mid-sample
 * (the rest comes with the next frame). Raw linear16/mulaw/alaw at the declared rate, or, with no
 * `encoding`, a WAV container whose header says what follows. Channels are mixed to mono.
 */
export class StreamAudioDecoder {
  #encoding: AudioEncoding | undefined;
  #rate: number | undefined;
  #channels: number;
  #carry = new Uint8Array(0);
  #started = false;

  constructor(options: { encoding?: AudioEncoding; sampleRate?: number; channels: number }) {
    this.#encoding = options.encoding;
    this.#rate = options.sampleRate;
    this.#channels = options.channels;
  }

  /** The stream's rate: known from the start for raw audio, after the header for WAV. */
  get sampleRate(): number | undefined {
    return this.#encoding ? this.#rate : undefined;
  }

  get encoding(): AudioEncoding | undefined {
    return this.#encoding;
  }

  push(frame: Uint8Array): DecodedFrame {
    let bytes = frame;
    if (this.#carry.length > 0) {
      bytes = new Uint8Array(this.#carry.length + frame.length);
      bytes.set(this.#carry);
      bytes.set(frame, this.#carry.length);
      this.#carry = new Uint8Array(0);
    }
    let skippedHeader = false;
    if (!this.#started) {
      const containerised = this.#encoding === undefined;
      if (containerised || isRiff(bytes)) {
        const header = this.#header(bytes, containerised);
        if (header === 'wait') {
          this.#carry = bytes.slice();
          return { ok: true, samples: new Int16Array(0), split: false, skippedHeader: false };
        }
        if (typeof header === 'string') return { ok: false, message: header };
        bytes = bytes.subarray(header);
        skippedHeader = !containerised;
      }
      this.#started = true;
    }
    const encoding = this.#encoding!;
    const block = bytesPerSample(encoding) * this.#channels;
    const whole = bytes.length - (bytes.length % block);
    if (whole < bytes.length) this.#carry = bytes.slice(whole);
    const split = whole < bytes.length;
    const decoded =
      encoding === 'linear16' && bytes.byteOffset % 2 === 0 && LITTLE_ENDIAN
        ? new Int16Array(bytes.buffer, bytes.byteOffset, whole / 2).slice()
        : decodeSamples(bytes.subarray(0, whole), encoding);
    return { ok: true, samples: this.#mix(decoded), split, skippedHeader };
  }

  /** Where the audio starts after a WAV header, 'wait' for more bytes, or why it is not audio. */
  #header(bytes: Uint8Array, containerised: boolean): number | 'wait' | string {
    if (bytes.length < 12) return 'wait';
    if (!isRiff(bytes))
      return 'the payload is not audio the simulator can decode: without encoding it reads WAV (RIFF) only';
    try {
      const wav = parseWav(bytes, 'the stream');
      if (containerised) {
        this.#encoding = wav.encoding;
        this.#rate = wav.sampleRate;
        this.#channels = wav.channels;
      }
      return wav.data.byteOffset - bytes.byteOffset;
    } catch (error) {
      if (bytes.length < MAX_HEADER_BYTES) return 'wait';
      return error instanceof Error ? error.message : String(error);
    }
  }

  #mix(samples: Int16Array): Int16Array {
    const n = this.#channels;
    if (n === 1) return samples;
    const out = new Int16Array(Math.floor(samples.length / n));
    for (let i = 0; i < out.length; i++) {
      let sum = 0;
      for (let c = 0; c < n; c++) sum += samples[i * n + c]!;
      out[i] = Math.round(sum / n);
    }
    return out;
  }
}
