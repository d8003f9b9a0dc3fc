import { request } from 'undici';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { createTtsRepromptCheck } from '../../../src/driver/twilio/reprompt-check.ts';
import { type SimulatorSuite, startSimulators } from '../../../src/simulation/start-simulators.ts';
import { plans, SCENARIO } from './twilio-fixtures.ts';

let suite: SimulatorSuite;
beforeAll(async () => {
  suite = await startSimulators({ scenario: SCENARIO, seed: 1, window: 'peak-day', latency: 'zero' });
});
afterAll(async () => {
  await suite.close();
});

/** What a bot does: asks the TTS simulator to say a text (Deepgram's HTTP shape). */
async function say(text: string): Promise<void> {
  const res = await request(`${suite.tts.url}/v1/speak?encoding=linear16&sample_rate=8000&container=none`, {
    method: 'POST',
    headers: { authorization: 'Token x', 'content-type': 'application/json' },
    body: JSON.stringify({ text }),
  });
  await res.body.arrayBuffer();
  expect(res.statusCode).toBe(200);
}

test('a reply its LLM gave for the utterance is no reprompt; speech for the call that answers no LLM reply to it is', async () => {
  const [plan] = plans(1);
  const [u0, u1] = plan!.turns;
  const check = createTtsRepromptCheck(suite.tts.controlUrl);
  try {
    // Nothing spoken for this run yet: attribution unproven, so never a reprompt.
    expect(await check(plan!.id, u0!.id)).toBe(false);
    suite.groundTruth.register([plan!]);
    suite.groundTruth.replies.record({
      callId: plan!.id,
      utteranceId: u0!.id,
      text: 'Thanks Henry, I have your account up now.',
    });
    await say('Thanks Henry, I have your account up now.');
    expect(await check(plan!.id, u0!.id)).toBe(false);
    // The bot spoke after u1, but nothing it said answered u1: "sorry, could you say that again?"
    await say("Sorry, I didn't catch that. Could you say it again?");
    expect(await check(plan!.id, u1!.id)).toBe(true);
  } finally {
    await check.close();
  }
});

test('an unreachable TTS control API answers false (the caller carries on), never throws', async () => {
  const check = createTtsRepromptCheck('http://127.0.0.1:1/__callstorm', { timeoutMs: 500 });
  try {
    expect(await check('cs-1-0', 'cs-1-0.u0')).toBe(false);
  } finally {
    await check.close();
  }
});
