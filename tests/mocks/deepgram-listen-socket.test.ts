import { DeepgramClient } from '@deepgram/sdk';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { createDeepgramListenSocket } from '../../mocks/deepgram-listen-socket.ts';
import { FaultSet } from '../../simulators/dependencies/faults/fault-set.ts';
import { normaliseTranscript } from '../../simulators/dependencies/normalise-transcript.ts';
import { renderSpeech } from '../../simulators/dependencies/speech-synthesis.ts';
import { TaggedLinker } from '../../simulators/dependencies/tagged-linker.ts';
import { pcmToMulaw } from '../../src/audio/g711.ts';
import { pcm16ToBytes } from '../../src/audio/pcm16.ts';
import { fixturePlans } from '../fixtures/call-plans.ts';
import { simulatorWorld } from '../fixtures/simulator-world.ts';
import { concat, frames, taggedCall } from '../fixtures/stream-audio.ts';
import { startUpgradeServer } from '../helpers/upgrade-server.ts';
import { openSocket } from '../helpers/ws-client.ts';

// The tagged linker throughout: callstorm's tagged caller audio, as the HTTP agent protocol sends it.
const plans = fixturePlans(6);
const world = simulatorWorld(plans);
const faults = new FaultSet({ kind: 'asr' });
const route = createDeepgramListenSocket({
  recogniser: world.recogniser,
  linker: new TaggedLinker(),
  faults,
  latency: false,
  seed: 7,
});
let server: Awaited<ReturnType<typeof startUpgradeServer>>;
beforeAll(async () => {
  server = await startUpgradeServer({ '/v1/listen': route });
});
afterEach(() => faults.clearAll());
afterAll(() => server.close());

const LISTEN =
  'encoding=linear16&sample_rate=8000&channels=1&interim_results=true&punctuate=true&model=nova-3-general&language=en';

/** PCM16 LE bytes of a tagged call, one 20 ms frame each (what Pipecat sends at 8 kHz). */
function pcmFrames(turns: (typeof plans)[number]['turns']): Uint8Array[] {
  return [...frames(taggedCall(turns).samples, 8000)].map((f) => pcm16ToBytes(f));
}

test("Deepgram's own SDK, pointed at the simulator by base URL, gets interim and final transcripts", async () => {
  const client = new DeepgramClient({ apiKey: 'any-key', baseUrl: server.wsUrl });
  const connection = await client.listen.v1.connect({
    model: 'nova-3-general',
    encoding: 'linear16',
    sample_rate: 8000,
    channels: 1,
    interim_results: 'true',
    punctuate: 'true',
    vad_events: 'true',
    utterance_end_ms: '1000',
    language: 'en',
    Authorization: 'Token any-key',
    reconnectAttempts: 0,
  } as unknown as Parameters<typeof client.listen.v1.connect>[0]);
  const received: { type: string; is_final?: boolean; channel?: unknown; from_finalize?: boolean }[] = [];
  const closed = new Promise<number>((resolve) => connection.on('close', (e) => resolve(e.code)));
  connection.on('message', (m) => received.push(m as (typeof received)[number]));
  connection.connect();
  await connection.waitForOpen();
  const turns = plans[0]!.turns.slice(0, 2);
  for (const frame of pcmFrames(turns)) connection.sendMedia(frame);
  connection.sendFinalize({ type: 'Finalize' });
  connection.sendCloseStream({ type: 'CloseStream' });
  expect(await closed).toBe(1000);

  const transcript = (m: (typeof received)[number]) =>
    (m.channel as { alternatives: { transcript: string }[] }).alternatives[0]!.transcript;
  const results = received.filter((m) => m.type === 'Results');
  const finals = results.filter((m) => m.is_final && transcript(m) !== '').map(transcript);
  expect(finals).toEqual(turns.map((t) => world.groundTruth.transcriptOf(t.id)!.transcript));
  expect(results.filter((m) => !m.is_final).length).toBeGreaterThan(4);
  expect(results.some((m) => m.from_finalize === true)).toBe(true);
  expect(received.map((m) => m.type)).toEqual(expect.arrayContaining(['SpeechStarted', 'UtteranceEnd']));
  expect(received[received.length - 1]!.type).toBe('Metadata');
  // Each utterance's speech-to-text latency is in the ground truth, for the caller to report.
  const latency = world.groundTruth.speechToTextOfCall(plans[0]!.id);
  expect(latency.map((r) => r.utteranceId)).toEqual(turns.map((t) => t.id));
  expect(latency.every((r) => r.latencyMs >= 0 && r.transcript !== '')).toBe(true);
  expect(route.stats.snapshot().latency.count).toBeGreaterThanOrEqual(2);
});

test('μ-law 8 kHz as a Twilio bot forwards it works the same', async () => {
  const s = await openSocket(`${server.wsUrl}/v1/listen?encoding=mulaw&sample_rate=8000`);
  const turn = plans[1]!.turns[1]!;
  for (const f of frames(taggedCall([turn]).samples, 8000)) s.send(pcmToMulaw(f));
  const final = await s.next((m) => m['type'] === 'Results' && m['is_final'] === true);
  // punctuate was not asked for: the transcript is the bare words, and they carry no punctuated_word.
  const heard = (final['channel'] as { alternatives: { transcript: string }[] }).alternatives[0]!.transcript;
  expect(heard).toBe(heard.toLowerCase());
  expect(normaliseTranscript(heard)).toBe(
    normaliseTranscript(world.groundTruth.transcriptOf(turn.id)!.transcript),
  );
  const words = (final['channel'] as { alternatives: { words: Record<string, unknown>[] }[] })
    .alternatives[0]!.words;
  expect(words[0]).not.toHaveProperty('punctuated_word');
  s.send({ type: 'CloseStream' });
  expect((await s.closed).code).toBe(1000);
});

test('a WAV stream needs no encoding: the header says what follows', async () => {
  const { encodeWav } = await import('../../src/audio/wav.ts');
  const turn = plans[2]!.turns[0]!;
  const wav = encodeWav({
    encoding: 'linear16',
    sampleRate: 8000,
    channels: 1,
    data: pcm16ToBytes(taggedCall([turn]).samples),
  });
  const s = await openSocket(`${server.wsUrl}/v1/listen?interim_results=false`);
  for (let at = 0; at < wav.length; at += 333) s.send(wav.subarray(at, at + 333));
  const final = await s.next((m) => m['type'] === 'Results' && m['is_final'] === true);
  const heard = (final['channel'] as { alternatives: { transcript: string }[] }).alternatives[0]!.transcript;
  expect(heard).toBe(heard.toLowerCase());
  expect(normaliseTranscript(heard)).toBe(
    normaliseTranscript(world.groundTruth.transcriptOf(turn.id)!.transcript),
  );
  s.ws.close();
});

describe('handshakes Deepgram would refuse', () => {
  test.each([
    ['encoding=opus&sample_rate=48000', 400, 'opus'],
    ['encoding=linear16', 400, 'sample_rate is required'],
    ['encoding=linear16&sample_rate=8000&endpointing=soon', 400, 'endpointing'],
    ['encoding=linear16&sample_rate=8000&interim_results=yes', 400, 'interim_results'],
    ['encoding=linear16&sample_rate=4000', 400, 'sample_rate'],
  ])('%s → %i', async (query, status, text) => {
    const { refusal } = await import('../helpers/ws-client.ts');
    const r = await refusal(`${server.wsUrl}/v1/listen?${query}`);
    expect(r.status).toBe(status);
    expect(r.headers?.['dg-error']).toContain(text);
    expect(JSON.parse(r.body!)).toMatchObject({
      err_code: 'Bad Request',
      err_msg: expect.stringContaining(text),
    });
  });

  test('no credentials → 401; any token is accepted', async () => {
    const { refusal } = await import('../helpers/ws-client.ts');
    const r = await refusal(`${server.wsUrl}/v1/listen?${LISTEN}`, {});
    expect(r.status).toBe(401);
    expect(JSON.parse(r.body!)).toMatchObject({ err_code: 'INVALID_AUTH' });
    const s = await openSocket(`${server.wsUrl}/v1/listen?${LISTEN}`, { authorization: 'Bearer whatever' });
    s.ws.close();
  });

  test('unknown query parameters are ignored, as Deepgram does, and counted', async () => {
    const before = route.stats.snapshot().unknownParams['frobnicate'] ?? 0;
    const s = await openSocket(`${server.wsUrl}/v1/listen?${LISTEN}&frobnicate=1&no_delay=true`);
    s.ws.close();
    expect(route.stats.snapshot().unknownParams['frobnicate']).toBe(before + 1);
    expect(route.stats.snapshot().unknownParams['no_delay']).toBeUndefined();
  });
});

describe('bad input on an open stream', () => {
  test('malformed or unknown text messages get an Error (SchemaError) and the stream carries on', async () => {
    const s = await openSocket(`${server.wsUrl}/v1/listen?${LISTEN}`);
    s.send('{"type": "KeepAl');
    s.send({ type: 'Teleport' });
    s.send('[1,2]');
    const errors = await Promise.all(
      [0, 1, 2].map((i) =>
        s.next(
          (m) => m['type'] === 'Error' && s.messages.filter((x) => x['type'] === 'Error').indexOf(m) === i,
        ),
      ),
    );
    expect(errors.map((e) => e['variant'])).toEqual(['SchemaError', 'SchemaError', 'SchemaError']);
    expect(errors[0]!['message']).toBe('{"type": "KeepAl');
    const turn = plans[3]!.turns[0]!;
    for (const f of pcmFrames([turn])) s.send(f);
    const final = await s.next((m) => m['type'] === 'Results' && m['is_final'] === true);
    expect(JSON.stringify(final)).toContain('"is_final":true');
    const bad = route.stats.snapshot().badInput;
    expect(bad['malformed-json']).toBeGreaterThanOrEqual(1);
    expect(bad['unknown-message']).toBeGreaterThanOrEqual(2);
    s.ws.close();
  });

  test('odd byte counts for linear16 are read as the byte stream they are (and counted)', async () => {
    const s = await openSocket(`${server.wsUrl}/v1/listen?${LISTEN}`);
    const turn = plans[3]!.turns[1]!;
    const bytes = pcm16ToBytes(taggedCall([turn]).samples);
    for (let at = 0; at < bytes.length; at += 321) s.send(bytes.subarray(at, at + 321));
    const final = await s.next((m) => m['type'] === 'Results' && m['is_final'] === true);
    expect((final['channel'] as { alternatives: { transcript: string }[] }).alternatives[0]!.transcript).toBe(
      world.groundTruth.transcriptOf(turn.id)!.transcript,
    );
    expect(route.stats.snapshot().badInput['split-sample']).toBeGreaterThan(0);
    s.ws.close();
  });

  test('audio in the wrong encoding is heard as noise: empty finals, counted as not linked', async () => {
    const before = route.stats.snapshot().segments.unlinked['no-tag'] ?? 0;
    // μ-law speech sent as if it were linear16: noise where the speech is, no tag a linker can read.
    const speech = renderSpeech('Hello, I would like some help with my account please.', {
      sampleRate: 8000,
      audioMs: 3000,
      seed: 4,
    });
    const s = await openSocket(`${server.wsUrl}/v1/listen?${LISTEN}`);
    for (const f of frames(concat(new Int16Array(4000), speech, new Int16Array(8000)), 8000))
      s.send(pcmToMulaw(f));
    s.send({ type: 'CloseStream' });
    await s.closed;
    const results = s.messages.filter((m) => m['type'] === 'Results');
    expect(results.length).toBeGreaterThan(0);
    expect(results.every((m) => JSON.stringify(m).includes('"transcript":""'))).toBe(true);
    expect(route.stats.snapshot().segments.unlinked['no-tag']).toBeGreaterThan(before);
  });

  test('a frame far too large closes with 1009; undecodable containerised audio with 1008 (DATA-0000)', async () => {
    const big = await openSocket(`${server.wsUrl}/v1/listen?${LISTEN}`);
    big.send(new Uint8Array(2 * 1024 * 1024));
    expect((await big.closed).code).toBe(1009);
    const noHeader = await openSocket(`${server.wsUrl}/v1/listen`);
    noHeader.send(new Uint8Array(400).fill(7));
    const closed = await noHeader.closed;
    expect(closed.code).toBe(1008);
    expect(closed.reason).toContain('data0000');
    const bad = route.stats.snapshot().badInput;
    expect(bad['frame-too-large']).toBeGreaterThanOrEqual(1);
    expect(bad['undecodable-audio']).toBeGreaterThanOrEqual(1);
  });

  test('an empty binary frame ends the stream (Metadata, then 1000), as it does at Deepgram', async () => {
    const s = await openSocket(`${server.wsUrl}/v1/listen?${LISTEN}`);
    s.send(new Uint8Array(0));
    expect((await s.closed).code).toBe(1000);
    expect(s.messages.map((m) => m['type'])).toEqual(['Metadata']);
  });
});
