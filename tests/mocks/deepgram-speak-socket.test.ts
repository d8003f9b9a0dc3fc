import { DeepgramClient } from '@deepgram/sdk';
import { afterAll, afterEach, beforeAll, expect, test } from 'vitest';
import { createDeepgramSpeakSocket } from '../../mocks/deepgram-speak-socket.ts';
import { FaultSet } from '../../simulators/dependencies/faults/fault-set.ts';
import { SpeechLog } from '../../simulators/dependencies/speech-log.ts';
import { TtsSynthesiser } from '../../simulators/dependencies/tts-synthesiser.ts';
import { decodeSamples } from '../../src/audio/audio-encoding.ts';
import { rmsDbfs } from '../../src/audio/pcm16.ts';
import { startUpgradeServer } from '../helpers/upgrade-server.ts';
import { openSocket, refusal } from '../helpers/ws-client.ts';

const synthesiser = new TtsSynthesiser({ seed: 2, latency: false });
const faults = new FaultSet({ kind: 'tts' });
const speechLog = new SpeechLog();
const route = createDeepgramSpeakSocket({ synthesiser, faults, speechLog, seed: 2 });
let server: Awaited<ReturnType<typeof startUpgradeServer>>;
beforeAll(async () => {
  server = await startUpgradeServer({ '/v1/speak': route });
});
afterEach(() => faults.clearAll());
afterAll(() => server.close());

const TEXT = 'Thanks for waiting. I have found your account, and the balance is two hundred pounds.';
const audioMs = synthesiser.synthesise(TEXT, 'x').audioMs;

test("Deepgram's SDK speaks over the socket in each encoding: Metadata, audio of the right length, Flushed", async () => {
  const client = new DeepgramClient({ apiKey: 'x', baseUrl: server.wsUrl });
  for (const [encoding, rate] of [
    ['linear16', 24_000],
    ['linear16', 8000],
    ['mulaw', 8000],
    ['alaw', 16_000],
  ] as const) {
    const socket = await client.speak.v1.connect({
      model: 'aura-2-thalia-en',
      encoding,
      sample_rate: rate,
      Authorization: 'Token x',
      reconnectAttempts: 0,
    } as unknown as Parameters<typeof client.speak.v1.connect>[0]);
    const chunks: Blob[] = [];
    const control: { type: string }[] = [];
    const flushed = new Promise<void>((resolve) =>
      socket.on('message', (m) => {
        if (m instanceof Blob) chunks.push(m);
        else if (typeof m === 'object') {
          control.push(m as { type: string });
          if ((m as { type: string }).type === 'Flushed') resolve();
        }
      }),
    );
    socket.connect();
    await socket.waitForOpen();
    socket.sendText({ type: 'Speak', text: TEXT });
    socket.sendFlush({ type: 'Flush' });
    await flushed;
    socket.sendClose({ type: 'Close' });
    const bytes = new Uint8Array(await new Blob(chunks).arrayBuffer());
    const samples = decodeSamples(bytes, encoding);
    expect(samples.length, `${encoding} ${rate}`).toBe((audioMs * rate) / 1000);
    expect(rmsDbfs(samples)).toBeGreaterThan(-35);
    expect(control.map((m) => m.type)).toEqual(['Metadata', 'Flushed']);
  }
  expect(speechLog.summary().byWire['speak-socket']).toBe(4);
});

test('Clear drops the queued text and audio and answers Cleared; unusable messages get a Warning', async () => {
  const s = await openSocket(`${server.wsUrl}/v1/speak?encoding=linear16&sample_rate=8000`);
  s.send({ type: 'Speak', text: 'This will never be said.' });
  s.send({ type: 'Clear' });
  s.send({ type: 'Flush' });
  await s.next((m) => m['type'] === 'Flushed');
  expect(s.audio).toEqual([]);
  expect(s.messages.map((m) => m['type'])).toEqual(['Metadata', 'Cleared', 'Flushed']);
  s.send('not json');
  s.send({ type: 'Sing' });
  s.send({ type: 'Speak' });
  s.send(new Uint8Array([1, 2, 3]));
  s.send({ type: 'Speak', text: 'x'.repeat(2500) });
  await s.next((m) => m['type'] === 'Warning' && m['code'] === 'TEXT_LIMIT_EXCEEDED');
  expect(s.messages.filter((m) => m['type'] === 'Warning')).toHaveLength(5);
  s.send({ type: 'Close' });
  expect((await s.closed).code).toBe(1000);
});

test('the handshake refuses what Deepgram refuses, and faults apply', async () => {
  expect((await refusal(`${server.wsUrl}/v1/speak?encoding=mp3`)).status).toBe(400);
  expect((await refusal(`${server.wsUrl}/v1/speak?container=wav`)).status).toBe(400);
  expect((await refusal(`${server.wsUrl}/v1/speak`, {})).status).toBe(401);
  faults.set({ id: 'refuse', type: 'stream-refuse', params: { status: 502 } });
  expect((await refusal(`${server.wsUrl}/v1/speak`)).status).toBe(502);
  faults.clear('refuse');
  faults.set({ id: 'drop', type: 'stream-drop', params: { afterMs: 1000 } });
  const s = await openSocket(`${server.wsUrl}/v1/speak?encoding=linear16&sample_rate=8000`);
  s.send({ type: 'Speak', text: TEXT });
  s.send({ type: 'Flush' });
  expect((await s.closed).code).toBe(1011);
  const sent = s.audio.reduce((n, b) => n + b.length, 0) / 16;
  expect(sent).toBeGreaterThanOrEqual(1000);
  expect(sent).toBeLessThan(audioMs);
  expect(s.messages.some((m) => m['type'] === 'Flushed')).toBe(false);
});
