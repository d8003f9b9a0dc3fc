import { hash32, lognormal, seeded } from '../seeded-random.ts';
import { renderSpeech } from './speech-synthesis.ts';

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
  readonly ttfbMs: number;
  /** Audio per streamed chunk. */
  readonly chunkMs: number;
  /** Pause between chunks after the first. */
  readonly chunkIntervalMs: number;
}

/** TTS behaviour: how long the audio for a text lasts, when its bytes arrive, and what it sounds like. */
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

  /**
   * Timing of the audio for `text`; `key` seeds the first-byte delay (one per request). `speed`
   * (OpenAI's 0.25–4) shortens or lengthens the audio.
   */
  synthesise(text: string, key: string, speed = 1): Synthesis {
    const o = this.#options;
    const audioMs = Math.max(
      1,
      Math.round((TtsSynthesiser.words(text) * 60_000) / o.wordsPerMinute / (speed > 0 ? speed : 1)),
    );
    const rng = seeded(this.#seed, 'tts', key);
    const ttfbMs =
      this.#instant || o.ttfbMedianMs <= 0 ? 0 : Math.round(lognormal(rng, o.ttfbMedianMs, o.ttfbP90Ms));
    return {
      audioMs,
      ttfbMs,
      chunkMs: o.chunkMs,
      chunkIntervalMs: this.#instant ? 0 : o.chunkMs * o.realtimeFactor,
    };
  }

  /** The speech itself: mono PCM16 at `sampleRate`, `audioMs` long, the same for the same text and voice. */
  render(text: string, format: { sampleRate: number; audioMs: number; voice?: string }): Int16Array {
    return renderSpeech(text, {
      sampleRate: format.sampleRate,
      audioMs: format.audioMs,
      seed: `${this.#seed}:${hash32(text)}`,
      ...(format.voice !== undefined ? { voice: format.voice } : {}),
    });
  }
}
