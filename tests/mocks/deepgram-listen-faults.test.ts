import fc from 'fast-check';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { createAsrHandlers } from '../../mocks/asr-handlers.ts';
import { callsControl } from '../../mocks/calls-control.ts';
import { createDeepgramListenSocket } from '../../mocks/deepgram-listen-socket.ts';
import { type SimulatorHost, startSimulatorHost } from '../../mocks/simulator-host.ts';
import { streamControl } from '../../mocks/stream-control.ts';
import { CallLifecycle } from '../../simulators/dependencies/call-lifecycle.ts';
import { FaultSet } from '../../simulators/dependencies/faults/fault-set.ts';
import { StreamRegistry } from '../../simulators/dependencies/stream-registry.ts';
import { StreamStats } from '../../simulators/dependencies/stream-stats.ts';
import { TaggedLinker } from '../../simulators/dependencies/tagged-linker.ts';
import { pcm16ToBytes } from '../../src/audio/pcm16.ts';
import { fixturePlans } from '../fixtures/call-plans.ts';
import { simulatorWorld } from '../fixtures/simulator-world.ts';
import { frames, taggedCall } from '../fixtures/stream-audio.ts';
import { startUpgradeServer } from '../helpers/upgrade-server.ts';
import { openSocket, refusal } from '../helpers/ws-client.ts';

// The tagged linker throughout: callstorm's tagged caller audio.
const plans = fixturePlans(8);
const world = simulatorWorld(plans);
const faults = new FaultSet({ kind: 'asr' });
const stats = new StreamStats();
const registry = new StreamRegistry({ stats, leakGraceMs: 0 });
// The suite tells every live stream when a call ends (start-simulators.ts does the same).
const lifecycle = new CallLifecycle();
lifecycle.onEnded((callId) => registry.callEnded(callId));
const route = createDeepgramListenSocket({
  recogniser: world.recogniser,
  linker: new TaggedLinker(),
  faults,
  latency: false,
  seed: 11,
  stats,
  registry,
  idleTimeoutMs: 400,
});
let server: Awaited<ReturnType<typeof startUpgradeServer>>;
let control: SimulatorHost;
beforeAll(async () => {
  server = await startUpgradeServer({ '/v1/listen': route });
  // The control API of the ASR host: its REST handlers plus the streams' endpoints.
  control = await startSimulatorHost({
    name: 'asr',
    kind: 'asr',
    handlers: createAsrHandlers({ recogniser: world.recogniser }),
    faults,
    control: {
      views: streamControl({ stats, groundTruth: world.groundTruth }).views,
      actions: {
        ...streamControl({ stats, groundTruth: world.groundTruth }).actions,
        ...callsControl({ lifecycle, streams: [registry] }).actions,
      },
    },
  });
});
afterEach(() => faults.clearAll());
afterAll(async () => {
  await server.close();
  await control.close();
});

const URL_OF = () => `${server.wsUrl}/v1/listen?encoding=linear16&sample_rate=8000&interim_results=true`;
const sendCall = (s: Awaited<ReturnType<typeof openSocket>>, turns: (typeof plans)[number]['turns']) => {
  for (const f of frames(taggedCall(turns, { tailMs: 400 }).samples, 8000)) s.send(pcm16ToBytes(f));
};
const post = async (path: string, body: unknown) =>
  (
    await fetch(`${control.controlUrl}/${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    })
  ).json() as Promise<Record<string, unknown>>;

describe('upgrade faults', () => {
  test('stream-refuse, http-error and rate-limit answer the upgrade with their status', async () => {
    faults.set({ id: 'r', type: 'stream-refuse', params: { status: 503 } });
    const refused = await refusal(URL_OF());
    expect(refused.status).toBe(503);
    expect(JSON.parse(refused.body!)).toMatchObject({ err_code: 'INTERNAL_SERVER_ERROR' });
    faults.clearAll();
    faults.set({ type: 'http-error', params: { status: 529 } });
    expect((await refusal(URL_OF())).status).toBe(529);
    faults.clearAll();
    faults.set({ type: 'rate-limit', params: { rps: 0.001, burst: 1 } });
    (await openSocket(URL_OF())).ws.close();
    const limited = await refusal(URL_OF());
    expect(limited.status).toBe(429);
    expect(Number(limited.headers!['retry-after'])).toBeGreaterThan(0);
    expect(stats.snapshot().streams.refused).toMatchObject({ '503': 1, '529': 1, '429': 1 });
  });

  test('network-outage refuse drops the connection; hang holds the upgrade until the fault is cleared', async () => {
    faults.set({ id: 'down', type: 'network-outage', params: { mode: 'refuse' } });
    const reset = await refusal(URL_OF());
    expect(reset.status).toBeUndefined();
    faults.set({ id: 'down', type: 'network-outage', params: { mode: 'hang' } });
    let opened = false;
    const pending = openSocket(URL_OF()).then((s) => {
      opened = true;
      return s;
    });
    await new Promise((r) => setTimeout(r, 150));
    expect(opened).toBe(false);
    faults.clear('down');
    const s = await pending;
    s.ws.close();
  });
});

describe('stream faults', () => {
  test('stream-silent: accepted, then nothing at all, not even for CloseStream', async () => {
    faults.set({ type: 'stream-silent' });
    const s = await openSocket(URL_OF());
    sendCall(s, plans[0]!.turns.slice(0, 1));
    s.send({ type: 'CloseStream' });
    await new Promise((r) => setTimeout(r, 300));
    expect(s.messages).toEqual([]);
    expect(s.ws.readyState).toBe(s.ws.OPEN);
    s.ws.close();
    expect(stats.silenced).toBeGreaterThanOrEqual(1);
  });

  test('stream-drop closes with 1011 part-way into the utterance, before its final', async () => {
    faults.set({ type: 'stream-drop', params: { afterMs: 1200 } });
    const s = await openSocket(URL_OF());
    sendCall(s, plans[1]!.turns.slice(0, 2));
    const closed = await s.closed;
    expect(closed.code).toBe(1011);
    expect(s.messages.some((m) => m['type'] === 'Results' && m['is_final'] === true)).toBe(false);
    expect(s.messages.some((m) => m['type'] === 'Results')).toBe(true);
  });

  test('stream-slow-finals holds the final back by its delay; interims keep coming', async () => {
    faults.set({ type: 'stream-slow-finals', params: { ms: 600 } });
    const s = await openSocket(URL_OF());
    const sentAt = performance.now();
    sendCall(s, plans[2]!.turns.slice(0, 1));
    await s.next((m) => m['type'] === 'Results' && m['is_final'] === true);
    // Everything was sent at once: the final could not leave before the 600 ms.
    expect(performance.now() - sentAt).toBeGreaterThanOrEqual(590);
    expect(
      s.messages.filter((m) => m['type'] === 'Results' && m['is_final'] === false).length,
    ).toBeGreaterThan(2);
    s.ws.close();
  });
});

test('an idle stream is closed as Deepgram closes it (Metadata, 1011 NET-0001); KeepAlive keeps it open', async () => {
  const kept = await openSocket(URL_OF());
  const timer = setInterval(() => kept.send({ type: 'KeepAlive' }), 40);
  const idle = await openSocket(URL_OF());
  const closed = await idle.closed;
  expect(closed.code).toBe(1011);
  expect(closed.reason).toContain('net0001');
  expect(idle.messages.map((m) => m['type'])).toEqual(['Metadata']);
  await new Promise((r) => setTimeout(r, 600));
  clearInterval(timer);
  expect(kept.ws.readyState).toBe(kept.ws.OPEN);
  kept.ws.close();
});

test('a stream still open when the run says its call ended is counted as leaked; speech-to-text latency per utterance', async () => {
  const plan = plans[3]!;
  const open = await openSocket(URL_OF());
  sendCall(open, plan.turns.slice(0, 2));
  await open.next(
    (m) =>
      m['type'] === 'Results' && m['is_final'] === true && JSON.stringify(m).includes('"speech_final":true'),
  );
  const tidy = await openSocket(URL_OF());
  sendCall(tidy, plans[4]!.turns.slice(0, 1));
  await tidy.next((m) => m['type'] === 'Results' && m['is_final'] === true);
  tidy.send({ type: 'CloseStream' });
  await tidy.closed;

  const leakedBefore = stats.leaked;
  expect(await post('calls/ended', { callId: plan.id })).toEqual({ callId: plan.id, openStreams: 1 });
  expect(await post('calls/ended', { callId: plans[4]!.id })).toEqual({
    callId: plans[4]!.id,
    openStreams: 0,
  });
  const view = (await (await fetch(`${control.controlUrl}/streams`)).json()) as {
    streams: { leaked: number };
  };
  expect(view.streams.leaked).toBe(leakedBefore + 1);

  const latency = (await post('streams/call', { callId: plan.id })) as {
    utterances: { utteranceId: string; latencyMs: number }[];
  };
  expect(latency.utterances.map((u) => u.utteranceId)).toEqual(plan.turns.slice(0, 2).map((t) => t.id));
  const bad = await fetch(`${control.controlUrl}/calls/ended`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: '{"call":"x"}',
  });
  expect(bad.status).toBe(400);
  open.ws.close();
});

test('nothing a client sends takes the simulator down', async () => {
  const message = fc.oneof(
    fc.uint8Array({ maxLength: 3000 }).map((b) => ({ binary: true as const, b })),
    fc
      .oneof(
        fc.string(),
        fc.json(),
        fc.constantFrom(
          '{"type":"Finalize"}',
          '{"type":"CloseStream"}',
          '{"type":"Configure","keyterms":[1]}',
        ),
      )
      .map((t) => ({ binary: false as const, t })),
  );
  await fc.assert(
    fc.asyncProperty(
      fc.array(message, { maxLength: 30 }),
      fc.constantFrom(
        'encoding=linear16&sample_rate=8000',
        'encoding=mulaw&sample_rate=8000&channels=2',
        '',
        'encoding=alaw&sample_rate=16000&vad_events=true&utterance_end_ms=0',
      ),
      async (messages, query) => {
        const s = await openSocket(`${server.wsUrl}/v1/listen?${query}&interim_results=true`);
        for (const m of messages) {
          if (s.ws.readyState !== s.ws.OPEN) break;
          s.send(m.binary ? m.b : m.t);
        }
        s.ws.close();
        await s.closed;
      },
    ),
    { numRuns: 40 },
  );
  // The simulator still serves a stream afterwards.
  const s = await openSocket(URL_OF());
  sendCall(s, plans[5]!.turns.slice(0, 1));
  await s.next((m) => m['type'] === 'Results' && m['is_final'] === true);
  s.ws.close();
  expect(stats.snapshot().badInput['internal'] ?? 0).toBe(0);
});
