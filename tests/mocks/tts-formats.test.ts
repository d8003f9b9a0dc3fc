import { DeepgramClient } from '@deepgram/sdk';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { type SimulatorHost, startSimulatorHost } from '../../mocks/simulator-host.ts';
import { speechControl } from '../../mocks/speech-control.ts';
import { createTtsHandlers } from '../../mocks/tts-handlers.ts';
import { FaultSet } from '../../simulators/dependencies/faults/fault-set.ts';
import { SpeechLog } from '../../simulators/dependencies/speech-log.ts';
import { TtsSynthesiser } from '../../simulators/dependencies/tts-synthesiser.ts';
import { decodeSamples } from '../../src/audio/audio-encoding.ts';
import { pcm16FromBytes, rmsDbfs } from '../../src/audio/pcm16.ts';
import { parseWav } from '../../src/audio/wav.ts';
import { fixturePlans } from '../fixtures/call-plans.ts';
import { simulatorWorld } from '../fixtures/simulator-world.ts';

const plans = fixturePlans(2);
const world = simulatorWorld(plans);
const speechLog = new SpeechLog({ groundTruth: world.groundTruth });
const faults = new FaultSet({ kind: 'tts' });
const synthesiser = new TtsSynthesiser({ seed: 3, latency: false });
let host: SimulatorHost;
beforeAll(async () => {
  host = await startSimulatorHost({
    name: 'tts',
    kind: 'tts',
    handlers: createTtsHandlers({ synthesiser, faults, seed: 3, speechLog }),
    faults,
    control: speechControl(speechLog),
  });
});
afterAll(() => host.close());

const TEXT = 'I can set up a plan of one hundred and sixty pounds a week, starting on Tuesday.';
const audioMsOf = (text: string) => synthesiser.synthesise(text, 'x').audioMs;

/** 20 ms frames of speech: most above −40 dBFS, silent only at its pauses. */
function expectSpeech(samples: Int16Array, rate: number) {
  const frame = rate / 50;
  const levels: number[] = [];
  for (let at = 0; at + frame <= samples.length; at += frame) levels.push(rmsDbfs(samples, at, at + frame));
  const loud = levels.filter((l) => l > -40).length;
  expect(loud / levels.length).toBeGreaterThan(0.8);
  expect(Math.max(...levels)).toBeLessThan(-10);
  // The comma is a pause a voice would make: silence there (exact in PCM and μ-law; A-law's
  // quietest step is −72 dBFS).
  expect(levels.some((l) => l < -70)).toBe(true);
}

describe('Deepgram-style POST /v1/speak', () => {
  test("Pipecat's DeepgramHttpTTSService request gets raw PCM16 LE at its rate, as long as the words take", async () => {
    const res = await fetch(
      `${host.url}/v1/speak?model=aura-2-thalia-en&encoding=linear16&sample_rate=8000&container=none`,
      {
        method: 'POST',
        headers: { authorization: 'Token x', 'content-type': 'application/json' },
        body: JSON.stringify({ text: TEXT }),
      },
    );
    expect(res.status).toBe(200);
    const audioMs = Number(res.headers.get('x-callstorm-audio-ms'));
    expect(audioMs).toBe(audioMsOf(TEXT));
    const bytes = new Uint8Array(await res.arrayBuffer());
    expect(bytes.length).toBe(audioMs * 16);
    expectSpeech(pcm16FromBytes(bytes), 8000);
  });

  test('without parameters it still speaks μ-law 8 kHz, raw (today’s default), now as speech', async () => {
    const res = await fetch(`${host.url}/v1/speak`, { method: 'POST', body: JSON.stringify({ text: TEXT }) });
    expect(res.headers.get('content-type')).toBe('audio/mulaw');
    const bytes = new Uint8Array(await res.arrayBuffer());
    expect(bytes.length).toBe(audioMsOf(TEXT) * 8);
    expectSpeech(decodeSamples(bytes, 'mulaw'), 8000);
  });

  test("Deepgram's SDK gets audio in each encoding, raw and in WAV", async () => {
    const client = new DeepgramClient({ apiKey: 'x', baseUrl: host.url });
    const cases = [
      { encoding: 'linear16', sample_rate: 24_000, container: 'none' },
      { encoding: 'linear16', sample_rate: 48_000, container: 'wav' },
      { encoding: 'mulaw', sample_rate: 8000, container: 'wav' },
      { encoding: 'alaw', sample_rate: 8000, container: 'none' },
      { encoding: 'alaw', sample_rate: 16_000, container: 'wav' },
    ] as const;
    for (const c of cases) {
      const response = await client.speak.v1.audio.generate({
        text: TEXT,
        model: 'aura-2-thalia-en',
        ...c,
      } as unknown as Parameters<typeof client.speak.v1.audio.generate>[0]);
      const bytes = new Uint8Array(await response.arrayBuffer());
      const samples =
        c.container === 'wav'
          ? (() => {
              const wav = parseWav(bytes);
              expect(wav).toMatchObject({ encoding: c.encoding, sampleRate: c.sample_rate, channels: 1 });
              return decodeSamples(wav.data, wav.encoding);
            })()
          : decodeSamples(bytes, c.encoding);
      expect(samples.length, JSON.stringify(c)).toBe((audioMsOf(TEXT) * c.sample_rate) / 1000);
      expectSpeech(samples, c.sample_rate);
    }
  });

  test('records what it was asked to say, attributed to the call whose LLM reply it is', async () => {
    const plan = plans[1]!;
    const turn = plan.turns[0]!;
    world.recogniser.recognise({ utteranceId: turn.id, audioMs: turn.speechMs, attempt: 1 });
    const answer = world.conversation.respond({
      messages: [{ role: 'user', content: world.groundTruth.transcriptOf(turn.id)!.transcript }],
      tools: [],
      wrongIntentRate: 0,
    });
    expect(answer.content).toBeTruthy();
    // A bot speaks the reply a sentence at a time.
    const sentence = answer.content!.split(/(?<=[.!?])\s+/)[0]!;
    await (
      await fetch(`${host.url}/v1/speak?encoding=linear16&sample_rate=16000&container=none`, {
        method: 'POST',
        body: JSON.stringify({ text: sentence }),
      })
    ).arrayBuffer();
    const call = (await (
      await fetch(`${host.controlUrl}/speech/call`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ callId: plan.id }),
      })
    ).json()) as { spoken: { text: string; utteranceId: string; wire: string; sampleRate: number }[] };
    expect(call.spoken).toEqual([
      expect.objectContaining({ text: sentence, utteranceId: turn.id, wire: 'speak', sampleRate: 16_000 }),
    ]);
    const summary = (await (await fetch(`${host.controlUrl}/speech`)).json()) as {
      total: number;
      unattributed: number;
    };
    expect(summary.total).toBeGreaterThan(summary.unattributed);
  });
});

describe('OpenAI-compatible POST /v1/audio/speech', () => {
  const openai = () => new OpenAI({ apiKey: 'x', baseURL: `${host.url}/v1`, maxRetries: 0 });

  test("the openai SDK's audio.speech.create gets 24 kHz PCM16 of the right length, or WAV", async () => {
    const pcm = await openai().audio.speech.create({
      model: 'gpt-4o-mini-tts',
      voice: 'alloy',
      input: TEXT,
      response_format: 'pcm',
    });
    const bytes = new Uint8Array(await pcm.arrayBuffer());
    expect(bytes.length).toBe(audioMsOf(TEXT) * 48);
    expectSpeech(pcm16FromBytes(bytes), 24_000);
    const fast = await openai().audio.speech.create({
      model: 'tts-1',
      voice: 'nova',
      input: TEXT,
      response_format: 'pcm',
      speed: 2,
    });
    expect((await fast.arrayBuffer()).byteLength).toBe(Math.round(audioMsOf(TEXT) / 2) * 48);
    const wav = parseWav(
      new Uint8Array(
        await (
          await openai().audio.speech.create({
            model: 'tts-1',
            voice: 'echo',
            input: TEXT,
            response_format: 'wav',
          })
        ).arrayBuffer(),
      ),
    );
    expect(wav).toMatchObject({ encoding: 'linear16', sampleRate: 24_000, channels: 1 });
  });

  test('formats it does not produce, and bad bodies, are refused as OpenAI refuses them', async () => {
    await expect(
      openai().audio.speech.create({ model: 'tts-1', voice: 'alloy', input: TEXT }),
    ).rejects.toMatchObject({
      status: 400,
      error: { param: 'response_format', code: 'invalid_value' },
    });
    const missing = await fetch(`${host.url}/v1/audio/speech`, {
      method: 'POST',
      body: JSON.stringify({ model: 'tts-1', voice: 'alloy' }),
    });
    expect(missing.status).toBe(400);
    expect(await missing.json()).toMatchObject({
      error: { param: 'input', code: 'missing_required_parameter', type: 'invalid_request_error' },
    });
    const long = await fetch(`${host.url}/v1/audio/speech`, {
      method: 'POST',
      body: JSON.stringify({
        model: 'tts-1',
        voice: 'alloy',
        input: 'a'.repeat(5000),
        response_format: 'pcm',
      }),
    });
    expect((await long.json()) as unknown).toMatchObject({ error: { code: 'string_above_max_length' } });
  });

  test('existing faults apply: an http-error answers in OpenAI’s error shape', async () => {
    faults.set({ id: 'down', type: 'http-error', params: { status: 503 } });
    try {
      await expect(
        openai().audio.speech.create({ model: 'tts-1', voice: 'alloy', input: TEXT, response_format: 'pcm' }),
      ).rejects.toMatchObject({ status: 503 });
    } finally {
      faults.clear('down');
    }
  });
});
