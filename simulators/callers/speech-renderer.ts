import { availableParallelism } from 'node:os';
import { pcm16FromBytes, pcm16ToBytes } from '../../src/audio/pcm16.ts';
import { resample } from '../../src/audio/resampler.ts';
import { encodeWav, parseWav } from '../../src/audio/wav.ts';
import { seeded } from '../seeded-random.ts';
import type { CallPlan, PlannedTurn } from './call-plan.ts';
import { type CallerVoice, callerVoice, type SpeechPopulation, TAPE_STEP } from './caller-voice.ts';
import { espeakVersion, espeakVoices, espeakWav } from './espeak.ts';
import { lineNoise, type NoiseSpectrum } from './line-noise.ts';
import { speakableText } from './speakable-text.ts';
import { SpeechCache } from './speech-cache.ts';
import { frameRms, loudFrames, type PauseShaping, shapePauses } from './speech-pauses.ts';

/**
 * Caller speech: a planned utterance as audio a bot's VAD and speech-to-text hear as speech.
 *
 *   text ─► espeak-ng (voice, variant, rate, pitch) ─► 16 kHz ─► [speech cache]
 *        ─► pauses capped, lead-in/tail ─► tape speed ─► level ─► + line noise at the SNR ─► master
 *
 * The master is PCM16 at 16 kHz; `encodeUtterance` turns it into μ-law 8 kHz (what callstorm plays
 * on a telephone line), PCM16 at any rate, or a WAV. Every step is deterministic: the same plan
 * and turn give the same bytes on every machine with the same espeak-ng. docs/speech.md.
 */
export const MASTER_RATE = 16_000;
/** Version of the cached stage (espeak-ng's output at 16 kHz): part of every cache key. */
export const SPEECH_STAGE_VERSION = 1;

/** The tape-speed resampler: a ratio within 4 % of 1, so a short filter passes all the speech band. */
const TAPE_FILTER = { halfTaps: 8 };
/** An environment the population does not list is rendered at this SNR. */
const UNKNOWN_NOISE = { snrDb: 30, spectrum: 'pink' as NoiseSpectrum };

export interface RenderedUtterance {
  readonly utteranceId: string;
  /** The planned text (what the ASR answers with); espeak-ng spoke `speakableText(text)`. */
  readonly text: string;
  readonly sampleRate: typeof MASTER_RATE;
  readonly samples: Int16Array;
  /** Real duration: replaces the plan's `speechMs` wherever this audio is played. */
  readonly durationMs: number;
  /** Where the speech is (the rest is lead-in and tail, where only the line noise is heard). */
  readonly speech: { readonly startMs: number; readonly endMs: number };
  readonly voice: CallerVoice;
  readonly noise: { readonly environment: string; readonly snrDb: number; readonly spectrum: NoiseSpectrum };
  /** False when the speech cache had espeak-ng's output (no espeak-ng process ran). */
  readonly synthesised: boolean;
}

export interface SpeechRendererOptions {
  /** The scenario's population: voices per cohort, noise per environment. */
  readonly population: SpeechPopulation;
  /** Default: a SpeechCache at `defaultSpeechCacheDir()`. */
  readonly cache?: SpeechCache;
  /** espeak-ng processes at once (default: the machine's cores). */
  readonly concurrency?: number;
  readonly pauses?: PauseShaping;
  /** Renders kept in memory, most recent first (default 64): a repeated turn is not rendered again. */
  readonly recent?: number;
}

export interface SpeechRendererStats {
  readonly renders: number;
  /** espeak-ng synthesis processes started (cache misses). */
  readonly espeakRuns: number;
  readonly cacheHits: number;
  readonly cacheMisses: number;
}

export class SpeechRenderer {
  readonly cache: SpeechCache;
  readonly population: SpeechPopulation;
  readonly #concurrency: number;
  readonly #pauses: PauseShaping;
  readonly #recentSize: number;
  #renders = 0;
  #espeakRuns = 0;
  #running = 0;
  readonly #waiting: (() => void)[] = [];
  readonly #recent = new Map<string, Promise<RenderedUtterance>>();

  constructor(options: SpeechRendererOptions) {
    this.population = options.population;
    this.cache = options.cache ?? new SpeechCache();
    this.#concurrency = Math.max(1, options.concurrency ?? availableParallelism());
    this.#pauses = options.pauses ?? {};
    this.#recentSize = options.recent ?? 64;
  }

  get stats(): SpeechRendererStats {
    const c = this.cache.stats;
    return { renders: this.#renders, espeakRuns: this.#espeakRuns, cacheHits: c.hits, cacheMisses: c.misses };
  }

  /** The caller's voice for this plan, with the fallback applied for voices espeak-ng lacks. */
  async voiceOf(plan: CallPlan): Promise<CallerVoice> {
    return callerVoice(plan, this.population, await espeakVoices());
  }

  /** The utterance as the caller says it (`noise: false`: without the line noise, for measuring). */
  render(plan: CallPlan, turn: PlannedTurn, options: { noise?: boolean } = {}): Promise<RenderedUtterance> {
    const noise = options.noise ?? true;
    const key = `${plan.vertical}\u0000${plan.stage}\u0000${turn.id}\u0000${noise}\u0000${turn.text}`;
    const recent = this.#recent.get(key);
    if (recent) {
      this.#recent.delete(key);
      this.#recent.set(key, recent);
      return recent;
    }
    const made = this.#render(plan, turn, noise);
    this.#recent.set(key, made);
    made.catch(() => this.#recent.delete(key));
    if (this.#recent.size > this.#recentSize) this.#recent.delete(this.#recent.keys().next().value as string);
    return made;
  }

  async #render(plan: CallPlan, turn: PlannedTurn, withNoise: boolean): Promise<RenderedUtterance> {
    this.#renders++;
    const voice = await this.voiceOf(plan);
    const { samples: spoken, synthesised } = await this.#espeakStage(voice, speakableText(turn.text));
    const shaped = shapePauses(spoken, MASTER_RATE, this.#pauses);
    // Tape speed: the 16 kHz render read as if it were 16 kHz × (1 + k/400), so pitch and tempo move together.
    const from = Math.round(MASTER_RATE * (1 + voice.tapeStep * TAPE_STEP));
    const speech =
      from === MASTER_RATE ? shaped.samples : resample(shaped.samples, from, MASTER_RATE, TAPE_FILTER);
    const scale = MASTER_RATE / from;
    const speechStart = Math.round(shaped.speechStart * scale);
    const speechEnd = Math.min(speech.length, Math.round(shaped.speechEnd * scale));

    const env = this.population.noise.find((n) => n.id === plan.noise);
    const snrDb = env?.snrDb ?? UNKNOWN_NOISE.snrDb;
    const spectrum = env?.spectrum ?? UNKNOWN_NOISE.spectrum;
    const gain = (10 ** (voice.levelDb / 20) * 32_768) / activeRms(speech.subarray(speechStart, speechEnd));
    const out = new Int16Array(speech.length);
    const noise = withNoise
      ? lineNoise(
          seeded('caller-noise', plan.vertical, plan.stage, turn.id),
          speech.length,
          MASTER_RATE,
          spectrum,
        )
      : null;
    const sigma = 10 ** ((voice.levelDb - snrDb) / 20) * 32_768;
    for (let i = 0; i < speech.length; i++) {
      const v = Math.round(speech[i]! * gain + (noise ? noise[i]! * sigma : 0));
      out[i] = v > 32_767 ? 32_767 : v < -32_768 ? -32_768 : v;
    }
    return {
      utteranceId: turn.id,
      text: turn.text,
      sampleRate: MASTER_RATE,
      samples: out,
      durationMs: (out.length * 1000) / MASTER_RATE,
      speech: { startMs: (speechStart * 1000) / MASTER_RATE, endMs: (speechEnd * 1000) / MASTER_RATE },
      voice,
      noise: { environment: plan.noise, snrDb, spectrum },
      synthesised,
    };
  }

  /** espeak-ng's output for the voice and text at 16 kHz, from the cache or a new espeak-ng process. */
  async #espeakStage(
    voice: CallerVoice,
    text: string,
  ): Promise<{ samples: Int16Array; synthesised: boolean }> {
    const key = SpeechCache.key({
      stage: SPEECH_STAGE_VERSION,
      espeak: await espeakVersion(),
      voice: voice.voice,
      variant: voice.variant,
      rate: voice.rate,
      pitch: voice.pitch,
      text,
    });
    const { bytes, hit } = await this.cache.getOrCreate(key, async () => {
      const wav = parseWav(await this.#limited(() => espeakWav({ ...voice, text })), 'espeak-ng output');
      const at16k = resample(pcm16FromBytes(wav.data), wav.sampleRate, MASTER_RATE);
      return encodeWav({
        encoding: 'linear16',
        sampleRate: MASTER_RATE,
        channels: 1,
        data: pcm16ToBytes(at16k),
      });
    });
    const wav = parseWav(bytes, this.cache.pathOf(key));
    return { samples: pcm16FromBytes(wav.data), synthesised: !hit };
  }

  async #limited<T>(task: () => Promise<T>): Promise<T> {
    while (this.#running >= this.#concurrency) await new Promise<void>((r) => this.#waiting.push(r));
    this.#running++;
    this.#espeakRuns++;
    try {
      return await task();
    } finally {
      this.#running--;
      this.#waiting.shift()?.();
    }
  }
}

/** RMS over the speech frames (within 40 dB of the loudest): the active speech level. */
export function activeRms(samples: Int16Array): number {
  const { loud, frame } = loudFrames(samples, MASTER_RATE);
  const rms = frameRms(samples, frame);
  let sum = 0;
  let n = 0;
  for (let f = 0; f < rms.length; f++) {
    if (!loud[f]) continue;
    sum += rms[f]! * rms[f]!;
    n++;
  }
  return n > 0 ? Math.sqrt(sum / n) : 1;
}
