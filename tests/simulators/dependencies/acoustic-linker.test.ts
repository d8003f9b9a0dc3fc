import fc from 'fast-check';
import { expect, test } from 'vitest';
import { createCallGenerator } from '../../../simulators/callers/call-generator.ts';
import type { CallPlan } from '../../../simulators/callers/call-plan.ts';
import { SpeechCache } from '../../../simulators/callers/speech-cache.ts';
import { encodeUtterance } from '../../../simulators/callers/speech-formats.ts';
import { SpeechRenderer } from '../../../simulators/callers/speech-renderer.ts';
import { AcousticLinker } from '../../../simulators/dependencies/acoustic-linker.ts';
import { GroundTruth } from '../../../simulators/dependencies/ground-truth.ts';
import { PlaybackRegistry } from '../../../simulators/dependencies/playback-registry.ts';
import { playedSpeech } from '../../../simulators/dependencies/played-speech.ts';
import { seeded } from '../../../simulators/seeded-random.ts';
import { mulawToPcm, pcmToMulaw } from '../../../src/audio/g711.ts';
import { resample } from '../../../src/audio/resampler.ts';
import { loadScenario } from '../../../src/scenario/load-scenario.ts';
import { runLinkingTrial } from '../../fixtures/linking-trial.ts';
import { describeWithEspeak, TEST_SPEECH_CACHE } from '../../helpers/espeak-for-tests.ts';

const scenario = loadScenario({ vertical: 'collections', stage: 'scale' });
const plans: CallPlan[] = [];
for (const plan of createCallGenerator(scenario, { seed: 1, window: 'peak-hour' }).plans()) {
  if (plans.length >= 120) break;
  plans.push(plan);
}
const groundTruth = new GroundTruth();
groundTruth.register(plans);
const renderer = new SpeechRenderer({
  population: scenario.population,
  cache: new SpeechCache(TEST_SPEECH_CACHE),
  recent: 512,
});
const T0 = Date.UTC(2026, 2, 30, 9);

function world(now = () => T0) {
  const registry = new PlaybackRegistry({ source: playedSpeech(renderer, groundTruth), now });
  return { registry, linker: new AcousticLinker({ registry }) };
}

async function played(plan: CallPlan, index: number): Promise<Int16Array> {
  return mulawToPcm(encodeUtterance(await renderer.render(plan, plan.turns[index]!), 'mulaw'));
}

function gain(samples: Int16Array, db: number): Int16Array {
  const g = 10 ** (db / 20);
  return samples.map((v) => Math.max(-32_768, Math.min(32_767, Math.round(v * g))));
}

/** Every utterance of the sample saying the text of `plan`'s last turn (a closing line). */
function sameWords(text: string) {
  return plans.flatMap((p) => p.turns.filter((t) => t.text === text).map((t) => ({ plan: p, turn: t })));
}

describeWithEspeak('the acoustic linker', () => {
  test('links ≥ 99.9 % of utterances on 200 concurrent streams (mixed rates, μ-law and PCM16, gain, chunking, noise), never wrongly', async () => {
    const r = await runLinkingTrial({ calls: 220, streams: 200, renderer });
    expect(r.utterances).toBeGreaterThan(600);
    expect(r.wrong, JSON.stringify(r.wrongLinks)).toBe(0);
    expect(r.changed).toBe(0);
    expect(r.accuracy, JSON.stringify(r.undecided)).toBeGreaterThanOrEqual(0.999);
    expect(r.peakCandidates).toBeGreaterThan(400);
    // A live STT gets its answer while the caller still speaks.
    expect(r.decisionMs.p50).toBeLessThan(600);
  }, 900_000);

  test('the link is the same however the audio is chunked, gained and resampled (property)', async () => {
    const { registry, linker } = world();
    const subjects = plans.slice(0, 12).flatMap((p) => p.turns.map((t) => ({ plan: p, turn: t })));
    registry.announce(subjects.map((s) => ({ utteranceId: s.turn.id, startedAt: T0 })));
    await registry.settled();
    const audio = new Map<string, Int16Array>();
    for (const s of subjects) audio.set(s.turn.id, await played(s.plan, s.turn.index));
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 0, max: subjects.length - 1 }),
        fc.constantFrom(8_000, 11_025, 16_000, 22_050, 24_000, 44_100, 48_000),
        fc.double({ min: -18, max: 9, noNaN: true }),
        fc.boolean(),
        fc.array(fc.integer({ min: 1, max: 4_001 }), { minLength: 1, maxLength: 40 }),
        async (which, rate, db, mulaw, sizes) => {
          const s = subjects[which]!;
          let x = gain(audio.get(s.turn.id)!, db);
          if (mulaw) x = mulawToPcm(pcmToMulaw(x));
          x = resample(x, 8_000, rate, { halfTaps: 12 });
          const segment = linker.segment({ sampleRate: rate, streamId: 'p' });
          for (let at = 0, k = 0; at < x.length; k++) {
            const n = sizes[k % sizes.length]!;
            segment.push(x.subarray(at, at + n));
            at += n;
          }
          const d = segment.end();
          expect(d).toMatchObject({ status: 'linked', utteranceId: s.turn.id });
          if (d.status === 'linked') expect(Math.abs(d.offsetMs - (x.length * 1000) / rate)).toBeLessThan(40);
        },
      ),
      { seed: 5, numRuns: 40 },
    );
  }, 300_000);

  test('streams: pending until sure, then linked, the offset moving on with the audio', async () => {
    const { registry, linker } = world();
    const plan = plans[2]!;
    registry.announce(plan.turns.map((t) => ({ utteranceId: t.id, startedAt: T0 })));
    await registry.settled();
    const x = resample(await played(plan, 0), 8_000, 16_000);
    const segment = linker.segment({ sampleRate: 16_000, streamId: 's' });
    const decisions = [];
    for (let at = 0; at < x.length; at += 320) decisions.push(segment.push(x.subarray(at, at + 320)));
    expect(decisions[0]).toEqual({ status: 'pending' });
    const first = decisions.findIndex((d) => d.status === 'linked');
    expect(first).toBeGreaterThan(5);
    expect(first * 20).toBeLessThan(1_500); // decided within 1.5 s of audio
    const linked = decisions.slice(first);
    expect(linked.every((d) => d.status === 'linked' && d.utteranceId === plan.turns[0]!.id)).toBe(true);
    const offsets = linked.map((d) => (d.status === 'linked' ? d.offsetMs : 0));
    expect(offsets.at(-1)! - offsets[0]!).toBeGreaterThan(((decisions.length - first - 2) * 20) | 0);
    expect(segment.end()).toMatchObject({ status: 'linked', utteranceId: plan.turns[0]!.id });
  });

  test('says unknown, with a reason, rather than guess: nothing playing, noise, too short, only other callers', async () => {
    const { registry, linker } = world();
    const closing = plans[0]!.turns.at(-1)!;
    const rivals = sameWords(closing.text).filter((x) => x.plan !== plans[0]);
    expect(rivals.length).toBeGreaterThan(5);
    const truth = await played(plans[0]!, closing.index);

    const nothing = linker.segment({ sampleRate: 8_000, streamId: 'a' });
    nothing.push(truth);
    expect(nothing.end()).toEqual({ status: 'unknown', reason: 'no-candidate' });

    // The same words from other callers are playing, but not this caller's: never their words.
    registry.announce(rivals.map((x) => ({ utteranceId: x.turn.id, startedAt: T0 })));
    await registry.settled();
    const others = linker.segment({ sampleRate: 8_000, streamId: 'b' });
    others.push(truth);
    expect(others.end().status).toBe('unknown');

    const rng = seeded('noise');
    const noise = Int16Array.from({ length: 16_000 }, () => Math.round((rng() - 0.5) * 6_000));
    const noisy = linker.segment({ sampleRate: 8_000, streamId: 'c' });
    noisy.push(noise);
    expect(noisy.end()).toEqual({ status: 'unknown', reason: 'no-match' });

    const short = linker.segment({ sampleRate: 8_000, streamId: 'd' });
    short.push(truth.subarray(800, 1_600));
    expect(short.end()).toEqual({ status: 'unknown', reason: 'too-short' });
    expect(linker.counters.unknown['no-candidate']).toBe(1);
    expect(linker.counters.unknown['too-short']).toBe(1);
  });

  test('candidates are what plays now: an utterance finished long ago, or not started yet, is not one', async () => {
    let now = T0;
    const { registry, linker } = world(() => now);
    const plan = plans[4]!;
    registry.announce([{ utteranceId: plan.turns[0]!.id, startedAt: T0 + 60_000 }]);
    await registry.settled();
    const x = await played(plan, 0);
    const early = linker.segment({ sampleRate: 8_000, streamId: 'e' });
    early.push(x);
    expect(early.end().status).toBe('unknown');
    now = T0 + 60_000;
    const onTime = linker.segment({ sampleRate: 8_000, streamId: 'f' });
    onTime.push(x);
    expect(onTime.end()).toMatchObject({ status: 'linked', utteranceId: plan.turns[0]!.id });
    now = T0 + 60_000 + x.length / 8 + registry.lingerMs + 1;
    const late = linker.segment({ sampleRate: 8_000, streamId: 'g' });
    late.push(x);
    expect(late.end().status).toBe('unknown');
  });
});
