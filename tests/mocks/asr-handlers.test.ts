import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, expect, test } from 'vitest';
import { createAsrHandlers, type ListenResponse } from '../../mocks/asr-handlers.ts';
import type { FaultSource } from '../../mocks/fault-source.ts';
import { utteranceAudioBytes } from '../../simulators/callers/utterance-audio.ts';
import { noEffects } from '../../simulators/dependencies/faults/fault-effects.ts';
import { FaultSet } from '../../simulators/dependencies/faults/fault-set.ts';
import { fixturePlans } from '../fixtures/call-plans.ts';
import { simulatorWorld } from '../fixtures/simulator-world.ts';

const PER_COHORT = 150;
const geordies = fixturePlans(PER_COHORT, { cohort: 'geordie' });
const scousers = fixturePlans(PER_COHORT, { cohort: 'scouse', seed: 8 });
const world = simulatorWorld([...geordies, ...scousers]);
const faults = new FaultSet({ kind: 'asr' });
/** A hand-rolled fault source: the interface the handlers take, before/without the FaultSet. */
const fake: FaultSource & { mean?: number; cohort?: string } = {
  effectsFor(ctx) {
    const effects = noEffects();
    if (this.mean !== undefined && ctx.cohort === this.cohort) effects.asr.confidenceMean = this.mean;
    return effects;
  },
};
const server = setupServer(
  ...createAsrHandlers({
    recogniser: world.recogniser,
    faults,
    baseUrl: 'http://asr.sim',
    now: () => Date.UTC(2026, 2, 2),
  }),
  ...createAsrHandlers({ recogniser: world.recogniser, faults: fake, baseUrl: 'http://asr-fake.sim' }),
);
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => {
  for (const f of faults.list()) faults.clear(f.id);
});
afterAll(() => server.close());

async function post(body: Uint8Array, base = 'http://asr.sim', type = 'audio/mulaw'): Promise<Response> {
  return fetch(`${base}/v1/listen?model=nova-2&language=en-GB`, {
    method: 'POST',
    headers: { 'content-type': type },
    body,
  });
}
const alternative = async (r: Response) =>
  ((await r.json()) as ListenResponse).results.channels[0].alternatives[0];

async function meanConfidence(plans: typeof geordies, base?: string): Promise<number> {
  let sum = 0;
  let n = 0;
  for (const plan of plans) {
    for (const turn of plan.turns.slice(1, 3)) {
      sum += (await alternative(await post(utteranceAudioBytes(turn.id, turn.speechMs), base))).confidence;
      n++;
    }
  }
  return sum / n;
}

test('answers in the Deepgram pre-recorded shape, words timed within the audio', async () => {
  const turn = geordies[0]!.turns[1]!;
  const response = await post(utteranceAudioBytes(turn.id, turn.speechMs));
  expect(response.status).toBe(200);
  const body = (await response.json()) as ListenResponse;
  expect(body.metadata.channels).toBe(1);
  expect(body.metadata.created).toBe('2026-03-02T00:00:00.000Z');
  expect(body.metadata.duration).toBeCloseTo(turn.speechMs / 1000, 1);
  expect(body.metadata.model_info[body.metadata.models[0]!]!.name).toBe('nova-2');
  const alt = body.results.channels[0].alternatives[0];
  expect(alt.transcript.length).toBeGreaterThan(0);
  expect(alt.confidence).toBeGreaterThan(0);
  expect(alt.confidence).toBeLessThanOrEqual(1);
  expect(alt.transcript).toBe(alt.words.map((w) => w.punctuated_word).join(' '));
  for (const w of alt.words) {
    expect(w.end).toBeGreaterThan(w.start);
    expect(w.end).toBeLessThanOrEqual(body.metadata.duration);
  }
});

test('audio that is not callstorm speech: 200 with an empty transcript and confidence 0', async () => {
  const alt = await alternative(await post(new Uint8Array(1600).fill(0xff)));
  expect(alt).toEqual({ transcript: '', confidence: 0, words: [] });
  expect((await post(new Uint8Array(16), 'http://asr.sim', 'application/json')).status).toBe(400);
});

test('a retry of the same utterance is a fresh draw (attempt 2)', async () => {
  const turn = scousers[1]!.turns[2]!;
  const first = await alternative(await post(utteranceAudioBytes(turn.id, turn.speechMs)));
  const retry = await alternative(await post(utteranceAudioBytes(turn.id, turn.speechMs)));
  expect(retry.confidence).not.toBe(first.confidence);
  expect(world.groundTruth.transcriptOf(turn.id)?.attempt).toBe(2);
});

test('asr-confidence-collapse hits exactly the targeted cohort', async () => {
  const before = { geordie: await meanConfidence(geordies), scouse: await meanConfidence(scousers) };
  expect(before.geordie).toBeGreaterThan(0.75);
  faults.set({ type: 'asr-confidence-collapse', params: { cohort: 'geordie', targetMean: 0.4 } });
  const during = { geordie: await meanConfidence(geordies), scouse: await meanConfidence(scousers) };
  // 300 draws, sd ≤ 0.08: the mean is within ±0.02 of its target.
  expect(Math.abs(during.geordie - 0.4)).toBeLessThan(0.02);
  expect(Math.abs(during.scouse - 0.82)).toBeLessThan(0.02);
  expect(Math.abs(during.scouse - before.scouse)).toBeLessThan(0.03);
});

test('the handlers take any fault source (a hand-rolled fake)', async () => {
  fake.mean = 0.3;
  fake.cohort = 'scouse';
  expect(Math.abs((await meanConfidence(scousers.slice(0, 100), 'http://asr-fake.sim')) - 0.3)).toBeLessThan(
    0.03,
  );
  expect(await meanConfidence(geordies.slice(0, 50), 'http://asr-fake.sim')).toBeGreaterThan(0.7);
});

test('openings stay unique per call even when confidence collapses', async () => {
  faults.set({ type: 'asr-confidence-collapse', params: { targetMean: 0.1 } });
  const seen = new Set<string>();
  for (const plan of geordies) {
    const opening = plan.turns[0]!;
    const alt = await alternative(await post(utteranceAudioBytes(opening.id, opening.speechMs)));
    expect(seen.has(alt.transcript)).toBe(false);
    seen.add(alt.transcript);
  }
});

test("an asr-error-rate fault fails requests with a 5xx in Deepgram's error shape", async () => {
  faults.set({ type: 'asr-error-rate', params: { rate: 1 } });
  const turn = geordies[2]!.turns[1]!;
  const response = await post(utteranceAudioBytes(turn.id, turn.speechMs));
  expect(response.status).toBeGreaterThanOrEqual(500);
  expect(await response.json()).toMatchObject({ err_code: 'INTERNAL_SERVER_ERROR' });
});
