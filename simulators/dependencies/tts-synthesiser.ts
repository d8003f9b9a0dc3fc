import { BYTES_PER_MS } from '../callers/utterance-audio.ts';
import { lognormal, seeded } from '../seeded-random.ts';

export interface TtsOptions {
  /** Speaking rate of the synthetic voice (default 160 words a minute). */
  wordsPerMinute: number;
  /** Time to first byte (lognormal); `false` in TtsSynthesiserOptions zeroes it. */
  ttfbMedianMs: number;
  ttfbP90Ms: number;
  /** Audio per streamed chunk (default 200 ms). */
  chunkMs: number;
  /** Generation time per ms of audio after the first byte (default 0.1: ten times real time). */
  realtimeFactor: number;
}

export const DEFAULT_TTS: TtsOptions = {
  wordsPerMinute: 160,
  ttfbMedianMs: 180,
  ttfbP90Ms: 420,
  chunkMs: 200,
  realtimeFactor: 0.1,
};

export interface Synthesis {
  /** Duration of the audio. */
  readonly audioMs: number;
  readonly bytes: number;
  readonly ttfbMs: number;
  /** Byte sizes of the streamed chunks, in order. */
  readonly chunks: readonly number[];
  /** Pause between chunks after the first. */
  readonly chunkIntervalMs: number;
}

const MULAW_SILENCE = 0xff;

/** TTS behaviour: how long the audio for a text lasts and when its bytes arrive. */
export class TtsSynthesiser {
  readonly #seed: string | number;
  readonly #options: TtsOptions;
  readonly #instant: boolean;

  constructor(options: { seed: string | number; tts?: Partial<TtsOptions>; latency?: false }) {
    this.#seed = options.seed;
    this.#options = { ...DEFAULT_TTS, ...options.tts };
    this.#instant = options.latency === false;
  }

  /** Words in the text: what the audio's duration follows. */
  static words(text: string): number {
    return text.split(/\s+/).filter((w) => /[\p{L}\p{N}]/u.test(w)).length;
  }

  synthesise(text: string, key: string): Synthesis {
    const o = this.#options;
    const audioMs = Math.max(1, Math.round((TtsSynthesiser.words(text) * 60_000) / o.wordsPerMinute));
    const bytes = audioMs * BYTES_PER_MS;
    const chunkBytes = Math.max(1, Math.round(o.chunkMs * BYTES_PER_MS));
    const chunks: number[] = [];
    for (let left = bytes; left > 0; left -= chunkBytes) chunks.push(Math.min(chunkBytes, left));
    const rng = seeded(this.#seed, 'tts', key);
    const ttfbMs =
      this.#instant || o.ttfbMedianMs <= 0 ? 0 : Math.round(lognormal(rng, o.ttfbMedianMs, o.ttfbP90Ms));
    return {
      audioMs,
      bytes,
      ttfbMs,
      chunks,
      chunkIntervalMs: this.#instant ? 0 : o.chunkMs * o.realtimeFactor,
    };
  }

  /** μ-law bytes of one chunk (silence: the harness measures timing, nobody listens). */
  static chunkBytes(size: number): Uint8Array {
    return new Uint8Array(size).fill(MULAW_SILENCE);
  }
}
