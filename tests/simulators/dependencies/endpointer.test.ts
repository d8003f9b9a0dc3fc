import { describe, expect, test } from 'vitest';
import { type EndpointEvent, Endpointer } from '../../../simulators/dependencies/endpointer.ts';
import { EnergyVad } from '../../../simulators/dependencies/energy-vad.ts';
import { renderSpeech } from '../../../simulators/dependencies/speech-synthesis.ts';
import { rmsDbfs } from '../../../src/audio/pcm16.ts';
import { concat, espeak, frames, gain, mix, noise } from '../../fixtures/stream-audio.ts';

interface Segment {
  start: number;
  speechEnd: number;
  end: number;
  speechFinal: boolean;
}

/** Feeds the endpointer 20 ms chunks, as a telephony stream arrives; returns its segments. */
function segments(samples: Int16Array, rate: number, endpointingMs: number | false = 10): Segment[] {
  const ep = new Endpointer({ sampleRate: rate, vad: new EnergyVad(), endpointingMs });
  const events: EndpointEvent[] = [];
  for (const chunk of frames(samples, rate)) events.push(...ep.push(chunk));
  events.push(...ep.flush());
  const out: Segment[] = [];
  for (const e of events) {
    if (e.type === 'start') out.push({ start: e.sample, speechEnd: -1, end: -1, speechFinal: false });
    if (e.type === 'end')
      Object.assign(out[out.length - 1]!, {
        speechEnd: e.speechEnd,
        end: e.sample,
        speechFinal: e.speechFinal,
      });
  }
  return out;
}

/** First and last 10 ms frame louder than −45 dBFS in clean speech. */
function speechSpan(samples: Int16Array, rate: number): [number, number] {
  const f = rate / 100;
  let first = -1;
  let last = -1;
  for (let i = 0; i + f <= samples.length; i += f) {
    if (rmsDbfs(samples, i, i + f) > -45) {
      if (first < 0) first = i;
      last = i + f;
    }
  }
  return [first, last];
}

const SENTENCE = 'Hello, I am calling about my account, I would like to set up a payment plan please.';

describe('energy VAD endpointing on real speech (espeak-ng)', () => {
  for (const rate of [8000, 16_000, 48_000]) {
    test(`finds the speech at ${rate} Hz, whatever the gain, in 10 dB SNR noise, and nothing in the silence around it`, () => {
      const speech = espeak(SENTENCE, rate);
      const pad = new Int16Array(rate);
      const clean = concat(pad, speech, pad);
      const [onset, offset] = speechSpan(clean, rate);
      const speechLevel = rmsDbfs(speech);
      const variants = {
        clean,
        quiet: gain(clean, -20),
        noisy: mix(clean, noise(clean.length, speechLevel - 10)),
        quietNoisy: gain(mix(clean, noise(clean.length, speechLevel - 10, 2)), -20),
      };
      for (const [name, audio] of Object.entries(variants)) {
        const found = segments(audio, rate);
        expect(found.length, name).toBeGreaterThan(0);
        // The first segment starts at the speech (its pre-roll a little before), none before it.
        expect(found[0]!.start, name).toBeGreaterThanOrEqual(onset - 0.06 * rate);
        expect(found[0]!.start, name).toBeLessThanOrEqual(onset + 0.15 * rate);
        // The last one ends after the speech, endpointed within half a second of it.
        const last = found[found.length - 1]!;
        expect(last.speechEnd, name).toBeGreaterThanOrEqual(offset - 0.2 * rate);
        expect(last.end, name).toBeLessThanOrEqual(offset + 0.5 * rate);
        expect(last.speechFinal, name).toBe(true);
      }
    });
  }
});

test('digital silence and steady noise are never speech', () => {
  for (const rate of [8000, 16_000]) {
    expect(segments(new Int16Array(rate * 5), rate)).toEqual([]);
    expect(segments(noise(rate * 5, -30), rate)).toEqual([]);
    expect(segments(noise(rate * 5, -6), rate)).toEqual([]);
  }
});

test('a pause splits a segment only when it is longer than the endpointing', () => {
  const rate = 16_000;
  // Two phrases with a 320 ms pause between them (the full stop).
  const speech = renderSpeech('I can help with that. Let me check your balance now.', {
    sampleRate: rate,
    audioMs: 3500,
    seed: 1,
  });
  const audio = concat(new Int16Array(rate / 2), speech, new Int16Array(rate * 2));
  expect(segments(audio, rate, 10)).toHaveLength(2);
  expect(segments(audio, rate, 500)).toHaveLength(1);
  // Without endpointing a segment still ends at a long silence, but never speech-final.
  const off = segments(audio, rate, false);
  expect(off).toHaveLength(1);
  expect(off[0]!.speechFinal).toBe(false);
  expect(off[0]!.end - off[0]!.speechEnd).toBeGreaterThanOrEqual(rate);
});

test('endpointing waits the VAD hangover plus the endpointing after the last speech', () => {
  const rate = 8000;
  const speech = renderSpeech('Goodbye now.', { sampleRate: rate, audioMs: 800, seed: 2 });
  const audio = concat(new Int16Array(rate / 2), speech, new Int16Array(rate * 2));
  for (const endpointing of [10, 300]) {
    const [s] = segments(audio, rate, endpointing);
    const waitedMs = ((s!.end - s!.speechEnd) * 1000) / rate;
    expect(waitedMs).toBeGreaterThanOrEqual(100 + endpointing);
    expect(waitedMs).toBeLessThanOrEqual(100 + endpointing + 20);
  }
});
