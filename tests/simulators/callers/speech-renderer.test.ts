import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { createCallGenerator } from '../../../simulators/callers/call-generator.ts';
import type { CallPlan } from '../../../simulators/callers/call-plan.ts';
import { utteranceAudio } from '../../../simulators/callers/caller-audio.ts';
import { SpeechCache } from '../../../simulators/callers/speech-cache.ts';
import { encodeUtterance } from '../../../simulators/callers/speech-formats.ts';
import { frameRms, longestPauseMs, loudFrames } from '../../../simulators/callers/speech-pauses.ts';
import { MASTER_RATE, SpeechRenderer } from '../../../simulators/callers/speech-renderer.ts';
import { mulawToPcm } from '../../../src/audio/g711.ts';
import { pcm16FromBytes } from '../../../src/audio/pcm16.ts';
import { parseWav } from '../../../src/audio/wav.ts';
import { loadScenario } from '../../../src/scenario/load-scenario.ts';
import { describeWithEspeak, TEST_SPEECH_CACHE } from '../../helpers/espeak-for-tests.ts';

const scenario = loadScenario({ vertical: 'collections', stage: 'scale' });
const generator = createCallGenerator(scenario, { seed: 1, window: 'peak-hour' });
const plans: CallPlan[] = [];
for (const plan of generator.plans()) {
  if (plans.length >= 40) break;
  plans.push(plan);
}
const shared = () =>
  new SpeechRenderer({ population: scenario.population, cache: new SpeechCache(TEST_SPEECH_CACHE) });

/** Power (mean square) over the frames a clean render counts as speech. */
function speechPower(samples: Int16Array, loudOf: Int16Array): number {
  const { loud, frame } = loudFrames(loudOf, MASTER_RATE);
  const rms = frameRms(samples, frame);
  let sum = 0;
  let n = 0;
  for (let f = 0; f < rms.length; f++) {
    if (!loud[f]) continue;
    sum += rms[f]! ** 2;
    n++;
  }
  return sum / n;
}

describeWithEspeak('caller speech', () => {
  test('the same plan and turn give the same bytes every time, from a fresh renderer and a cold cache too', async () => {
    const plan = plans[3]!;
    const turn = plan.turns[0]!;
    const a = await shared().render(plan, turn);
    const cold = new SpeechRenderer({
      population: scenario.population,
      cache: new SpeechCache(mkdtempSync(join(tmpdir(), 'callstorm-speech-'))),
    });
    const b = await cold.render(plan, turn);
    expect(b.synthesised).toBe(true);
    expect(Buffer.from(encodeUtterance(b, 'mulaw')).equals(Buffer.from(encodeUtterance(a, 'mulaw')))).toBe(
      true,
    );
    expect(Buffer.from(b.samples.buffer).equals(Buffer.from(a.samples.buffer))).toBe(true);
    // Another caller saying the same words sounds different.
    const same = plans
      .flatMap((p) => p.turns.map((t) => ({ p, t })))
      .filter((x) => x.t.text === plan.turns.at(-1)!.text);
    expect(same.length).toBeGreaterThan(1);
    const [x, y] = await Promise.all(same.slice(0, 2).map((s) => shared().render(s.p, s.t)));
    expect(Buffer.from(x!.samples.buffer).equals(Buffer.from(y!.samples.buffer))).toBe(false);
  });

  test('the speech cache: a second render runs no espeak-ng, and leaves one entry per render, no temp files', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'callstorm-speech-'));
    const first = new SpeechRenderer({ population: scenario.population, cache: new SpeechCache(dir) });
    const plan = plans[5]!;
    // Asked twice at once: one espeak-ng process.
    await Promise.all([first.render(plan, plan.turns[0]!), first.render(plan, plan.turns[0]!)]);
    for (const turn of plan.turns) await first.render(plan, turn);
    const distinct = new Set(plan.turns.map((t) => t.text)).size;
    expect(first.stats.espeakRuns).toBe(distinct);
    const second = new SpeechRenderer({ population: scenario.population, cache: new SpeechCache(dir) });
    for (const turn of plan.turns) expect((await second.render(plan, turn)).synthesised).toBe(false);
    expect(second.stats).toMatchObject({ espeakRuns: 0, cacheMisses: 0, cacheHits: plan.turns.length });
    const files = readdirSync(dir, { recursive: true, withFileTypes: true }).filter((f) => f.isFile());
    expect(files.map((f) => f.name).filter((n) => !n.endsWith('.wav'))).toEqual([]);
    expect(files.length).toBe(distinct);
  });

  test("the line noise is at the environment's SNR, within ±1 dB", async () => {
    const renderer = shared();
    const seen = new Set<string>();
    for (const plan of plans) {
      if (seen.has(plan.noise)) continue;
      seen.add(plan.noise);
      const turn = plan.turns[0]!;
      const noisy = await renderer.render(plan, turn);
      const clean = await renderer.render(plan, turn, { noise: false });
      const noise = new Int16Array(noisy.samples.length);
      let noisePower = 0;
      for (let i = 0; i < noise.length; i++) {
        noise[i] = noisy.samples[i]! - clean.samples[i]!;
        noisePower += noise[i]! ** 2;
      }
      noisePower /= noise.length;
      const snr = 10 * Math.log10(speechPower(clean.samples, clean.samples) / noisePower);
      const env = scenario.population.noise.find((n) => n.id === plan.noise)!;
      expect(Math.abs(snr - env.snrDb), `${plan.noise}: ${snr.toFixed(2)} dB`).toBeLessThanOrEqual(1);
      expect(noisy.noise).toMatchObject({ environment: env.id, snrDb: env.snrDb, spectrum: env.spectrum });
    }
    expect(seen.size).toBeGreaterThanOrEqual(4);
  });

  test('formats: μ-law 8 kHz, PCM16 at 16, 24 and 48 kHz, WAV; the real duration replaces the planned one', async () => {
    const plan = plans[7]!;
    const turn = plan.turns[1] ?? plan.turns[0]!;
    const u = await shared().render(plan, turn);
    const seconds = u.durationMs / 1000;
    const mulaw = encodeUtterance(u, 'mulaw');
    expect(Math.abs(mulaw.length - seconds * 8_000)).toBeLessThanOrEqual(2);
    for (const rate of [16_000, 24_000, 48_000]) {
      const pcm = pcm16FromBytes(encodeUtterance(u, 'pcm16', rate));
      expect(Math.abs(pcm.length - seconds * rate)).toBeLessThanOrEqual(2);
      // The speech is where the render says it is, at every rate (louder than the noise before it).
      const at = (ms: number) => Math.round((ms * rate) / 1000);
      const level = (a: number, b: number) =>
        Math.sqrt(pcm.subarray(a, b).reduce((s, v) => s + v * v, 0) / (b - a));
      expect(level(at(u.speech.startMs), at(u.speech.endMs))).toBeGreaterThan(
        2 * level(0, at(u.speech.startMs) - 1),
      );
    }
    const wav = parseWav(encodeUtterance(u, 'wav', 16_000));
    expect(wav).toMatchObject({ encoding: 'linear16', sampleRate: 16_000, channels: 1 });
    expect(Buffer.from(wav.data).equals(Buffer.from(encodeUtterance(u, 'pcm16', 16_000)))).toBe(true);
    // What the HTTP agent protocol carries: the same μ-law bytes, and the real duration.
    const payload = await utteranceAudio(plan, turn, shared());
    expect(Buffer.from(payload.base64, 'base64').equals(Buffer.from(mulaw))).toBe(true);
    expect(payload.speechMs).toBe(Math.round(u.durationMs));
    expect(mulawToPcm(mulaw).length).toBe(mulaw.length);
  });

  test('no pause inside a planned utterance is long enough to split the turn (< 200 ms)', async () => {
    const renderer = shared();
    let longest = 0;
    let utterances = 0;
    for (const plan of plans.slice(0, 25)) {
      for (const turn of plan.turns) {
        const clean = await renderer.render(plan, turn, { noise: false });
        const from = Math.round((clean.speech.startMs * MASTER_RATE) / 1000);
        const to = Math.round((clean.speech.endMs * MASTER_RATE) / 1000);
        longest = Math.max(longest, longestPauseMs(clean.samples, MASTER_RATE, from, to));
        utterances++;
      }
    }
    expect(utterances).toBeGreaterThan(60);
    expect(longest).toBeLessThan(200);
    expect(longest).toBeGreaterThan(50); // pauses are kept, only shortened
  });
});
