import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { RunningAgent } from '../../agent/start-agent.ts';
import type { CallPlan } from '../../simulators/callers/call-plan.ts';
import { encodeUtteranceAudio } from '../../simulators/callers/utterance-audio.ts';
import {
  CALLS_PATH,
  callPath,
  createCallResponseSchema,
  errorBodySchema,
  PROTOCOL_HEADER,
  turnResponseSchema,
  turnsPath,
} from '../../src/protocol/agent-protocol.ts';
import type { SimulatorSuite } from '../../src/simulation/start-simulators.ts';
import { call, headersFor, plansOf, simulatorsFor, startAgentFor } from './agent-harness.ts';

const SEED = 21;
const plans = plansOf('collections', { seed: SEED, count: 4 });
let suite: SimulatorSuite;
beforeAll(async () => {
  suite = await simulatorsFor('collections', SEED, plans);
});
afterAll(() => suite.close());

const openBody = (plan: CallPlan) => ({
  callId: plan.id,
  from: plan.caller.phone,
  to: '03301234567',
  locale: plan.locale,
  region: plan.region,
  consentRequired: true,
});
const turnBody = (plan: CallPlan, n: number) => {
  const t = plan.turns[n]!;
  return {
    turn: n,
    utterance: { id: t.id, audio: encodeUtteranceAudio(t.id, t.speechMs), speechMs: t.speechMs },
  };
};

describe.each(['pilot', 'production'] as const)('protocol v1 conformance: %s', (profile) => {
  let agent: RunningAgent;
  beforeAll(async () => {
    agent = await startAgentFor(suite, profile);
  });
  afterAll(() => agent.close());

  test('POST /v1/calls answers 201 with a session and a greeting that gives the recording notice', async () => {
    const plan = plans[0]!;
    const answer = await call(agent.url, 'POST', CALLS_PATH, {
      headers: headersFor('r1', plan.id),
      body: openBody(plan),
    });
    expect(answer.status).toBe(201);
    expect(answer.headers.get(PROTOCOL_HEADER)).toBe('1');
    const created = createCallResponseSchema.parse(answer.body);
    expect(created.greeting).toMatch(/recorded/);
    expect(created.greetingAudioMs).toBeGreaterThan(1000);
  });

  test('a turn answers 200 with a schema-valid reply, action and telemetry; DELETE answers 204', async () => {
    const plan = plans[1]!;
    const headers = headersFor('r1', plan.id);
    const created = createCallResponseSchema.parse(
      (await call(agent.url, 'POST', CALLS_PATH, { headers, body: openBody(plan) })).body,
    );
    const answer = await call(agent.url, 'POST', turnsPath(created.sessionId), {
      headers,
      body: turnBody(plan, 0),
    });
    expect(answer.status).toBe(200);
    const turn = turnResponseSchema.parse(answer.body);
    expect(turn.action).toBe('continue');
    expect(turn.reply.text.length).toBeGreaterThan(0);
    expect(turn.reply.audioMs).toBeGreaterThan(0);
    const t = turn.telemetry!;
    expect(t.profile).toBe(profile);
    expect(t.transcript).toBeTruthy();
    expect(t.intent).toBe(plan.turns[0]!.expect.intent);
    expect(t.dependencyCalls.map((c) => c.dependency)).toEqual(
      expect.arrayContaining(['asr', 'llm', 'crm', 'tts']),
    );
    expect(t.dependencyCalls.filter((c) => c.dependency === 'llm').every((c) => c.region === 'eu')).toBe(
      true,
    );
    expect(t.latencyMs.voiceToVoice).toBeGreaterThanOrEqual(t.latencyMs.ttsFirstByte ?? 0);
    expect(t.llm.tokensIn).toBeGreaterThan(0);
    expect(t.tts.characters).toBe(turn.reply.text.length);
    expect((await call(agent.url, 'DELETE', callPath(created.sessionId), { headers })).status).toBe(204);
    const after = await call(agent.url, 'POST', turnsPath(created.sessionId), {
      headers,
      body: turnBody(plan, 1),
    });
    expect(after.status).toBe(409);
    expect(errorBodySchema.parse(after.body).error.code).toBe('session_ended');
  });

  test('an unknown session is 404 session_not_found, for turns and for DELETE', async () => {
    const plan = plans[2]!;
    const headers = headersFor('r1', plan.id);
    const turn = await call(agent.url, 'POST', turnsPath('ses_nope'), { headers, body: turnBody(plan, 0) });
    expect(turn.status).toBe(404);
    expect(errorBodySchema.parse(turn.body).error.code).toBe('session_not_found');
    const del = await call(agent.url, 'DELETE', callPath('ses_nope'), { headers });
    expect(del.status).toBe(404);
  });

  test('bad bodies are 400 bad_request naming the field; missing headers are 400 missing_header', async () => {
    const plan = plans[2]!;
    const headers = headersFor('r1', plan.id);
    const bad = await call(agent.url, 'POST', CALLS_PATH, {
      headers,
      body: { ...openBody(plan), consentRequired: 'yes' },
    });
    expect(bad.status).toBe(400);
    const body = errorBodySchema.parse(bad.body);
    expect(body.error.code).toBe('bad_request');
    expect(body.error.issues?.map((i) => i.path)).toContain('consentRequired');

    const notJson = await call(agent.url, 'POST', CALLS_PATH, { headers, body: '{"callId": ' });
    expect(notJson.status).toBe(400);
    expect(errorBodySchema.parse(notJson.body).error.code).toBe('bad_request');

    const noHeaders = await call(agent.url, 'POST', CALLS_PATH, { body: openBody(plan) });
    expect(noHeaders.status).toBe(400);
    expect(errorBodySchema.parse(noHeaders.body).error.code).toBe('missing_header');

    const created = createCallResponseSchema.parse(
      (await call(agent.url, 'POST', CALLS_PATH, { headers, body: openBody(plan) })).body,
    );
    const badTurn = await call(agent.url, 'POST', turnsPath(created.sessionId), {
      headers,
      body: { turn: 0, utterance: { id: plan.turns[0]!.id, audio: 'not base64!', speechMs: 10 } },
    });
    expect(badTurn.status).toBe(400);
    expect(errorBodySchema.parse(badTurn.body).error.issues?.map((i) => i.path)).toContain('utterance.audio');

    const wrongCall = await call(agent.url, 'POST', turnsPath(created.sessionId), {
      headers: headersFor('r1', 'someone-else'),
      body: turnBody(plan, 0),
    });
    expect(wrongCall.status).toBe(400);
    expect(errorBodySchema.parse(wrongCall.body).error.code).toBe('call_mismatch');
  });

  test('turn numbers must increase: a replayed turn is 409 turn_out_of_order', async () => {
    const plan = plans[3]!;
    const headers = headersFor('r1', plan.id);
    const created = createCallResponseSchema.parse(
      (await call(agent.url, 'POST', CALLS_PATH, { headers, body: openBody(plan) })).body,
    );
    expect(
      (await call(agent.url, 'POST', turnsPath(created.sessionId), { headers, body: turnBody(plan, 0) }))
        .status,
    ).toBe(200);
    const again = await call(agent.url, 'POST', turnsPath(created.sessionId), {
      headers,
      body: turnBody(plan, 0),
    });
    expect(again.status).toBe(409);
    expect(errorBodySchema.parse(again.body).error.code).toBe('turn_out_of_order');
  });
});
