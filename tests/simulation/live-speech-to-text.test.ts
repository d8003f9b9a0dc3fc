import { DeepgramClient } from '@deepgram/sdk';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { createCallGenerator } from '../../simulators/callers/call-generator.ts';
import type { CallPlan } from '../../simulators/callers/call-plan.ts';
import { SpeechCache } from '../../simulators/callers/speech-cache.ts';
import { utteranceSamples } from '../../simulators/callers/speech-formats.ts';
import { SpeechRenderer } from '../../simulators/callers/speech-renderer.ts';
import { normaliseTranscript } from '../../simulators/dependencies/normalise-transcript.ts';
import { pcm16ToBytes } from '../../src/audio/pcm16.ts';
import { loadScenario } from '../../src/scenario/load-scenario.ts';
import { type SimulatorSuite, startSimulators } from '../../src/simulation/start-simulators.ts';
import { sleep } from '../../src/util/abortable-sleep.ts';
import { frames } from '../fixtures/stream-audio.ts';
import { describeWithEspeak, TEST_SPEECH_CACHE } from '../helpers/espeak-for-tests.ts';

// The suite's live speech-to-text on rendered caller speech, as a real bot streams it: Deepgram's
// own SDK pointed at the ASR simulator by base URL, 20 ms PCM16 frames at 16 kHz (Pipecat's
// default input rate), no x-callstorm headers. What links the speech to its utterances is the
// acoustic linker, fed by the harness's announcements of what it plays.
const scenario = loadScenario({ vertical: 'collections', stage: 'pilot' });
const plans: CallPlan[] = [];
for (const plan of createCallGenerator(scenario, { seed: 4, window: 'peak-day' }).plans()) {
  if (plan.turns.length >= 3) plans.push(plan);
  if (plans.length >= 2) break;
}
const renderer = new SpeechRenderer({
  population: scenario.population,
  cache: new SpeechCache(TEST_SPEECH_CACHE),
});
let suite: SimulatorSuite;
beforeAll(async () => {
  suite = await startSimulators({ scenario, seed: 4, plans, latency: 'zero' });
});
afterAll(() => suite?.close());

describeWithEspeak('live speech-to-text on caller speech', () => {
  test("Deepgram's SDK gets interim and final transcripts of each utterance a caller speaks, linked from the audio alone", async () => {
    const plan = plans[0]!;
    const turns = plan.turns.slice(0, 3);
    const rendered = await Promise.all(turns.map((t) => renderer.render(plan, t)));
    const client = new DeepgramClient({ apiKey: 'any-key', baseUrl: suite.asr.url.replace('http', 'ws') });
    const connection = await client.listen.v1.connect({
      model: 'nova-3-general',
      encoding: 'linear16',
      sample_rate: 16000,
      channels: 1,
      interim_results: 'true',
      punctuate: 'true',
      language: 'en',
      Authorization: 'Token any-key',
      reconnectAttempts: 0,
    } as unknown as Parameters<typeof client.listen.v1.connect>[0]);
    const received: {
      type: string;
      is_final?: boolean;
      channel?: { alternatives: { transcript: string }[] };
    }[] = [];
    const closed = new Promise<number>((resolve) => connection.on('close', (e) => resolve(e.code)));
    connection.on('message', (m) => received.push(m as (typeof received)[number]));
    connection.connect();
    await connection.waitForOpen();
    const silence = new Int16Array(16_000); // 1 s between utterances
    for (const [i, r] of rendered.entries()) {
      // As the caller starts speaking, the harness says what it plays.
      const announced = await fetch(`${suite.asr.controlUrl}/playing`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ playing: [{ utteranceId: turns[i]!.id, startedAt: Date.now() }] }),
      });
      expect(announced.status).toBe(200);
      // In real time, as a bot forwards a phone line: 100 ms of 20 ms frames at a time.
      let n = 0;
      for (const f of [...frames(utteranceSamples(r, 16_000), 16_000), ...frames(silence, 16_000)]) {
        connection.sendMedia(pcm16ToBytes(f));
        if (++n % 5 === 0) await sleep(100);
      }
    }
    connection.sendFinalize({ type: 'Finalize' });
    connection.sendCloseStream({ type: 'CloseStream' });
    expect(await closed).toBe(1000);

    const text = (m: (typeof received)[number]) => m.channel?.alternatives[0]?.transcript ?? '';
    const results = received.filter((m) => m.type === 'Results');
    const finals = results
      .filter((m) => m.is_final && text(m) !== '')
      .map((m) => normaliseTranscript(text(m)));
    const heard = turns.map((t) => normaliseTranscript(suite.groundTruth.transcriptOf(t.id)!.transcript));
    // An utterance may come as more than one final (a pause inside it); joined, they are its words.
    expect(finals.join(' ')).toBe(heard.join(' '));
    expect(results.filter((m) => !m.is_final && text(m) !== '').length).toBeGreaterThan(0);
    const linking = (await (await fetch(`${suite.asr.controlUrl}/linking`)).json()) as { linked: number };
    expect(linking.linked).toBeGreaterThanOrEqual(turns.length);
  }, 120_000);
});
