import { afterAll, beforeAll, expect, test } from 'vitest';
import type { ListenResponse } from '../../mocks/asr-handlers.ts';
import { createCallGenerator } from '../../simulators/callers/call-generator.ts';
import type { CallPlan, PlannedTurn } from '../../simulators/callers/call-plan.ts';
import { SpeechCache } from '../../simulators/callers/speech-cache.ts';
import { encodeUtterance, utteranceSamples } from '../../simulators/callers/speech-formats.ts';
import { SpeechRenderer } from '../../simulators/callers/speech-renderer.ts';
import { utteranceAudioBytes } from '../../simulators/callers/utterance-audio.ts';
import { normaliseTranscript } from '../../simulators/dependencies/normalise-transcript.ts';
import { pcm16ToBytes } from '../../src/audio/pcm16.ts';
import { loadScenario } from '../../src/scenario/load-scenario.ts';
import { type SimulatorSuite, startSimulators } from '../../src/simulation/start-simulators.ts';
import { describeWithEspeak, TEST_SPEECH_CACHE } from '../helpers/espeak-for-tests.ts';

const scenario = loadScenario({ vertical: 'collections', stage: 'scale' });
const plans: CallPlan[] = [];
for (const plan of createCallGenerator(scenario, { seed: 1, window: 'peak-hour' }).plans()) {
  if (plans.length >= 12) break;
  plans.push(plan);
}
const renderer = new SpeechRenderer({
  population: scenario.population,
  cache: new SpeechCache(TEST_SPEECH_CACHE),
});
let suite: SimulatorSuite;

beforeAll(async () => {
  suite = await startSimulators({ scenario, seed: 1, plans, latency: 'zero', asrWordErrorFactor: 0 });
});
afterAll(() => suite?.close());

async function announce(turns: readonly PlannedTurn[]): Promise<Response> {
  return fetch(`${suite.asr.controlUrl}/playing`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ playing: turns.map((t) => ({ utteranceId: t.id, startedAt: Date.now() })) }),
  });
}

async function listen(query: string, type: string, body: Uint8Array) {
  const response = await fetch(`${suite.asr.url}/v1/listen?model=nova-3&language=en-GB${query}`, {
    method: 'POST',
    headers: { 'content-type': type },
    body,
  });
  const json = (await response.json()) as ListenResponse;
  return {
    status: response.status,
    link: response.headers.get('x-callstorm-link'),
    transcript: json.results?.channels[0].alternatives[0].transcript ?? '',
    duration: json.metadata?.duration ?? 0,
  };
}

function bigEndian(samples: Int16Array): Uint8Array {
  const out = new Uint8Array(samples.length * 2);
  const view = new DataView(out.buffer);
  for (let i = 0; i < samples.length; i++) view.setInt16(i * 2, samples[i]!, false);
  return out;
}

describeWithEspeak('the REST ASR hears speech', () => {
  test('links speech audio at 8, 16, 24 and 48 kHz, μ-law, PCM16 and WAV, to the words of the right utterance', async () => {
    const turns = plans.slice(0, 8).flatMap((p) => p.turns.map((turn) => ({ plan: p, turn })));
    expect((await announce(turns.map((t) => t.turn))).status).toBe(200);
    const forms = [
      (u: Awaited<ReturnType<typeof renderer.render>>) =>
        listen('&encoding=mulaw&sample_rate=8000', 'audio/mulaw', encodeUtterance(u, 'mulaw')),
      (u: Awaited<ReturnType<typeof renderer.render>>) =>
        listen(
          '&encoding=linear16&sample_rate=16000',
          'application/octet-stream',
          encodeUtterance(u, 'pcm16', 16_000),
        ),
      (u: Awaited<ReturnType<typeof renderer.render>>) =>
        listen('', 'audio/l16;rate=24000', bigEndian(utteranceSamples(u, 24_000))),
      (u: Awaited<ReturnType<typeof renderer.render>>) =>
        listen('', 'audio/wav', encodeUtterance(u, 'wav', 48_000)),
    ];
    let n = 0;
    for (const { plan, turn } of turns) {
      const u = await renderer.render(plan, turn);
      const r = await forms[n++ % forms.length]!(u);
      expect(r, turn.id).toMatchObject({ status: 200, link: 'acoustic' });
      expect(normaliseTranscript(r.transcript)).toBe(normaliseTranscript(turn.text));
      expect(r.duration).toBeCloseTo(u.durationMs / 1000, 1);
    }
    expect(n).toBeGreaterThan(20);
    const linking = (await (await fetch(`${suite.asr.controlUrl}/linking`)).json()) as Record<
      string,
      unknown
    >;
    expect(linking).toMatchObject({ method: 'acoustic', linked: n });
  });

  test('speech nobody announced gets an empty transcript and is counted; tagged audio still needs no announcement', async () => {
    const plan = plans[10]!;
    const turn = plan.turns[0]!;
    const u = await renderer.render(plan, turn);
    const r = await listen(
      '&encoding=linear16&sample_rate=16000',
      'audio/raw',
      encodeUtterance(u, 'pcm16', 16_000),
    );
    expect(r).toMatchObject({ status: 200, transcript: '' });
    expect(r.link).toMatch(/^acoustic:(no-match|no-candidate|ambiguous)$/);
    const linking = (await (await fetch(`${suite.asr.controlUrl}/linking`)).json()) as {
      unknown: Record<string, number>;
    };
    expect(Object.values(linking.unknown).reduce((a, b) => a + b, 0)).toBeGreaterThanOrEqual(1);

    const tagged = await listen(
      '&encoding=mulaw&sample_rate=8000',
      'audio/mulaw',
      utteranceAudioBytes(turn.id, turn.speechMs),
    );
    expect(tagged).toMatchObject({ status: 200, link: 'tagged' });
    expect(normaliseTranscript(tagged.transcript)).toBe(normaliseTranscript(turn.text));
  });

  test('bad audio and bad announcements get a 400 that says what is wrong', async () => {
    const pcm = pcm16ToBytes(new Int16Array(800));
    const rate = await fetch(`${suite.asr.url}/v1/listen?encoding=linear16&sample_rate=fast`, {
      method: 'POST',
      body: pcm,
    });
    expect(rate.status).toBe(400);
    expect(((await rate.json()) as { err_msg: string }).err_msg).toMatch(/sample_rate/);
    const encoding = await fetch(`${suite.asr.url}/v1/listen?encoding=opus`, { method: 'POST', body: pcm });
    expect(encoding.status).toBe(400);
    const wav = await fetch(`${suite.asr.url}/v1/listen`, {
      method: 'POST',
      headers: { 'content-type': 'audio/wav' },
      body: pcm,
    });
    expect(wav.status).toBe(400);
    const body = await fetch(`${suite.asr.controlUrl}/playing`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ playing: [{ utteranceId: 'cs-1-0.u0' }] }),
    });
    expect(body.status).toBe(400);
    expect(((await body.json()) as { error: { code: string } }).error.code).toBe('CS_ERR_BAD_ARGUMENT');
  });
});
