import { afterAll, beforeAll, expect, test } from 'vitest';
import { createCallGenerator } from '../../simulators/callers/call-generator.ts';
import type { CallPlan } from '../../simulators/callers/call-plan.ts';
import { withEvidence } from '../../src/driver/call-evidence.ts';
import type { CallObservation } from '../../src/driver/call-observation.ts';
import { loadScenario } from '../../src/scenario/load-scenario.ts';
import { createSimulatorEvidence, type SimulatorEvidence } from '../../src/simulation/simulator-evidence.ts';
import { type SimulatorSuite, startSimulators } from '../../src/simulation/start-simulators.ts';
import { recordingNotice } from '../../src/slo/caller-experience.ts';
import { CALL_RECORD_SCHEMA, type CallRecord } from '../../src/telemetry/call-record.ts';
import { openSocket } from '../helpers/ws-client.ts';

// A streaming bot (Pipecat with Deepgram's TTS socket) greets each caller with a fixed text it
// never asks its LLM for, on the socket it keeps for the call. The harness hears that greeting in
// what the bot asked the TTS simulator to say: the evidence the recording-notice SLO is judged on.
const scenario = loadScenario({ vertical: 'collections', stage: 'pilot' });
const plans: CallPlan[] = [];
for (const plan of createCallGenerator(scenario, { seed: 5, window: 'peak-day' }).plans()) {
  if (plan.turns.length >= 2) plans.push(plan);
  if (plans.length >= 2) break;
}
const GREETINGS = [
  'Hello, you are through to Northwind Collections. This call is recorded for training and quality.',
  'Hello, you are through to Northwind Collections. Can I take your date of birth?',
];

let suite: SimulatorSuite;
let evidence: SimulatorEvidence;
beforeAll(async () => {
  suite = await startSimulators({ scenario, seed: 5, plans, latency: 'zero' });
  evidence = createSimulatorEvidence(suite);
});
afterAll(async () => {
  await evidence?.close();
  await suite?.close();
});

async function speak(socket: Awaited<ReturnType<typeof openSocket>>, text: string, sequence: number) {
  socket.send({ type: 'Speak', text });
  socket.send({ type: 'Flush' });
  await socket.next((m) => m.type === 'Flushed' && m.sequence_id === sequence);
}

/** What a streaming transport observes: no greeting of its own (it heard only audio). */
function observation(plan: CallPlan): CallObservation {
  return {
    plan,
    startLagMs: 0,
    turns: [],
    ending: { by: 'caller-done', atTurn: 0 },
    endedWallMs: 0,
    agentAudioMs: 0,
    deadLetteredWrites: 0,
  };
}

test("a streaming bot's greeting is what it asked the TTS simulator to say on the call's socket before its first reply", async () => {
  const url = `${suite.tts.url.replace('http', 'ws')}/v1/speak?encoding=linear16&sample_rate=16000`;
  const sockets = await Promise.all(plans.map(() => openSocket(url)));
  // Both calls pick up at once: both greetings come before either call's first reply.
  await Promise.all(sockets.map((s, i) => speak(s, GREETINGS[i]!, 0)));
  for (const [i, plan] of plans.entries()) {
    // The LLM simulator's reply to the caller's first turn (as its conversation model records it).
    const reply = `Thanks, I have found account ${i + 1} and can help with that.`;
    suite.groundTruth.replies.record({ callId: plan.id, utteranceId: plan.turns[0]!.id, text: reply });
    await speak(sockets[i]!, reply, 1);
  }
  for (const s of sockets) s.ws.close();

  for (const [i, plan] of plans.entries()) {
    const e = await evidence.evidenceFor(observation(plan));
    expect(e.greeting, plan.id).toBe(GREETINGS[i]);
    const seen = withEvidence(observation(plan), e);
    expect(seen.greeting).toBe(GREETINGS[i]);
    const record = {
      schema: CALL_RECORD_SCHEMA,
      consentRequired: true,
      greeting: seen.greeting,
    } as CallRecord;
    expect(recordingNotice(record)).toBe(i === 0 ? 'given' : 'missing');
  }
  // A transport that read the greeting off the wire keeps its own, and the TTS is not asked.
  const own = { ...observation(plans[0]!), greeting: 'Hello.' };
  expect((await evidence.evidenceFor(own)).greeting).toBeUndefined();
});
