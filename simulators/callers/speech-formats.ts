import { pcmToMulaw } from '../../src/audio/g711.ts';
import { pcm16ToBytes } from '../../src/audio/pcm16.ts';
import { resample } from '../../src/audio/resampler.ts';
import { encodeWav } from '../../src/audio/wav.ts';
import type { RenderedUtterance } from './speech-renderer.ts';

/** How `callstorm speak` and the transports write a rendered utterance. */
export const SPEECH_FORMATS = ['wav', 'mulaw', 'pcm16'] as const;
export type SpeechFormat = (typeof SPEECH_FORMATS)[number];

/** Telephony: μ-law at 8 kHz, what callstorm plays on a phone line (and in the HTTP agent protocol). */
export const TELEPHONY_RATE = 8_000;

const samplesAt = new WeakMap<RenderedUtterance, Map<number, Int16Array>>();
/** Windowed sinc with 8 zero crossings a side: clean for speech, half the cost of the default 16. */
const OUTPUT_FILTER = { halfTaps: 8 };

/** The utterance's PCM16 samples at `rate` (resampled from the 16 kHz master; memoised per utterance). */
export function utteranceSamples(utterance: RenderedUtterance, rate: number): Int16Array {
  if (rate === utterance.sampleRate) return utterance.samples;
  let byRate = samplesAt.get(utterance);
  if (!byRate) {
    byRate = new Map();
    samplesAt.set(utterance, byRate);
  }
  let samples = byRate.get(rate);
  if (!samples) {
    samples = resample(utterance.samples, utterance.sampleRate, rate, OUTPUT_FILTER);
    byRate.set(rate, samples);
  }
  return samples;
}

/**
 * The utterance as bytes: `mulaw` (G.711, default 8 kHz), `pcm16` (16-bit little-endian) or `wav`
 * (PCM16 in a RIFF/WAVE container), at `rate` (default 8 kHz).
 */
export function encodeUtterance(
  utterance: RenderedUtterance,
  format: SpeechFormat,
  rate: number = TELEPHONY_RATE,
): Uint8Array {
  const samples = utteranceSamples(utterance, rate);
  switch (format) {
    case 'mulaw':
      return pcmToMulaw(samples);
    case 'pcm16':
      return pcm16ToBytes(samples);
    case 'wav':
      return encodeWav({ encoding: 'linear16', sampleRate: rate, channels: 1, data: pcm16ToBytes(samples) });
  }
}
