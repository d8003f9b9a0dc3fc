import { setupServer } from 'msw/node';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { createAsrHandlers } from '../../mocks/asr-handlers.ts';
import { createLlmHandlers } from '../../mocks/llm-handlers.ts';
import { type SimulatorHost, startSimulatorHost } from '../../mocks/simulator-host.ts';
import { createTtsHandlers } from '../../mocks/tts-handlers.ts';
import { utteranceAudioBytes } from '../../simulators/callers/utterance-audio.ts';
import { FaultSet } from '../../simulators/dependencies/faults/fault-set.ts';
import { TtsSynthesiser } from '../../simulators/dependencies/tts-synthesiser.ts';
import { fixturePlan } from '../fixtures/call-plans.ts';
import { simulatorWorld } from '../fixtures/simulator-world.ts';

/**
 * The same handlers serve in-process (msw setupServer + global fetch) and over real HTTP (the
 * fastify simulator host): two identical worlds given the same requests give the same bodies.
 */
const plan = fixturePlan({ index: 2, cohort: 'brummie', noise: 'street' });
const NOW = () => Date.UTC(2026, 2, 2, 9);

function handlersFor(base?: string) {
  const world = simulatorWorld([plan], 99);
  const b = base === undefined ? {} : { baseUrl: base };
  return {
    asr: createAsrHandlers({ recogniser: world.recogniser, now: NOW, seed: 99, ...b }),
    llm: createLlmHandlers({
      endpoint: 'llm-us',
      region: 'us',
      conversation: world.conversation,
      latency: false,
      now: NOW,
      seed: 99,
      ...b,
    }),
    tts: createTtsHandlers({ synthesiser: new TtsSynthesiser({ seed: 99, latency: false }), seed: 99, ...b }),
  };
}

const inProcess = handlersFor('http://sim.local');
const server = setupServer(...inProcess.asr, ...inProcess.llm, ...inProcess.tts);
const hosts: Record<'asr' | 'llm' | 'tts', SimulatorHost> = {} as Record<
  'asr' | 'llm' | 'tts',
  SimulatorHost
>;

beforeAll(async () => {
  server.listen({ onUnhandledRequest: 'bypass' });
  const http = handlersFor();
  for (const kind of ['asr', 'llm', 'tts'] as const) {
    hosts[kind] = await startSimulatorHost({
      name: kind === 'llm' ? 'llm-us' : kind,
      kind,
      handlers: http[kind],
      faults: new FaultSet({ kind }),
      host: '127.0.0.1',
      port: 0,
    });
  }
});
afterAll(async () => {
  server.close();
  await Promise.all(Object.values(hosts).map((h) => h.close()));
});

async function both(
  kind: 'asr' | 'llm' | 'tts',
  path: string,
  init: () => RequestInit,
): Promise<[Response, Response]> {
  return [await fetch(`http://sim.local${path}`, init()), await fetch(`${hosts[kind].url}${path}`, init())];
}

test('a call through ASR then LLM gives the same bodies in-process and over HTTP', async () => {
  const messages: { role: string; content: string }[] = [];
  for (const turn of plan.turns) {
    const [a, b] = await both('asr', '/v1/listen?model=nova-2', () => ({
      method: 'POST',
      headers: { 'content-type': 'audio/mulaw' },
      body: utteranceAudioBytes(turn.id, turn.speechMs),
    }));
    const [asrA, asrB] = [await a.text(), await b.text()];
    expect(asrB).toBe(asrA);
    const transcript = (
      JSON.parse(asrA) as { results: { channels: { alternatives: { transcript: string }[] }[] } }
    ).results.channels[0]!.alternatives[0]!.transcript;
    messages.push({ role: 'user', content: transcript });
    const body = JSON.stringify({
      model: 'gpt-4o-mini',
      messages,
      tools: [
        { type: 'function', function: { name: 'lookup_account' } },
        { type: 'function', function: { name: 'end_call' } },
      ],
    });
    const [c, d] = await both('llm', '/v1/chat/completions', () => ({
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body,
    }));
    expect(d.headers.get('x-callstorm-region')).toBe('us');
    const [llmA, llmB] = [await c.text(), await d.text()];
    expect(llmB).toBe(llmA);
  }
});

test('a streamed completion arrives over HTTP chunk for chunk', async () => {
  const body = JSON.stringify({
    model: 'm',
    stream: true,
    stream_options: { include_usage: true },
    messages: [{ role: 'user', content: 'Hello?' }],
  });
  const [a, b] = await both('llm', '/v1/chat/completions', () => ({
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body,
  }));
  expect(b.headers.get('content-type')).toMatch(/^text\/event-stream/);
  const [sa, sb] = [await a.text(), await b.text()];
  expect(sb).toBe(sa);
  expect(sb.trimEnd().endsWith('data: [DONE]')).toBe(true);
});

test('TTS audio is byte-identical over HTTP', async () => {
  const init = () => ({
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ text: 'Thanks for calling, goodbye.' }),
  });
  const [a, b] = await both('tts', '/v1/speak?encoding=mulaw&sample_rate=8000', init);
  expect(b.headers.get('x-callstorm-audio-ms')).toBe(a.headers.get('x-callstorm-audio-ms'));
  expect(Buffer.from(await b.arrayBuffer()).equals(Buffer.from(await a.arrayBuffer()))).toBe(true);
});
