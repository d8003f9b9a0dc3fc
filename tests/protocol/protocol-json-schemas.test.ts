import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import fc from 'fast-check';
import { afterAll, beforeAll, expect, test } from 'vitest';
import type { RunningAgent } from '../../agent/start-agent.ts';
import { encodeUtteranceAudio } from '../../simulators/callers/utterance-audio.ts';
import { CALLS_PATH, turnsPath } from '../../src/protocol/agent-protocol.ts';
import { protocolSchemaSources } from '../../src/protocol/protocol-json-schemas.ts';
import type { SimulatorSuite } from '../../src/simulation/start-simulators.ts';
import { call, headersFor, plansOf, simulatorsFor, startAgentFor } from '../agent/agent-harness.ts';
import { ROOT } from '../helpers/run-cli.ts';

type Message = keyof typeof protocolSchemaSources;
const ajv = new Ajv2020({ strict: false, allErrors: true });
const validators = Object.fromEntries(
  Object.keys(protocolSchemaSources).map((name) => [
    name,
    ajv.compile(JSON.parse(readFileSync(join(ROOT, 'schemas', `${name}.schema.json`), 'utf8'))),
  ]),
) as Record<Message, ReturnType<typeof ajv.compile>>;

/** The JSON Schema (what a Python or Go agent validates with) and zod (what callstorm uses) agree. */
function agree(name: Message, value: unknown): boolean {
  const json = validators[name](value) === true;
  const zod = protocolSchemaSources[name].safeParse(value).success;
  expect(
    json,
    `${name}: JSON Schema says ${json}, zod says ${zod} for ${JSON.stringify(value).slice(0, 300)}`,
  ).toBe(zod);
  return zod;
}

const SEED = 5;
const plans = plansOf('collections', { seed: SEED, count: 3 });
let suite: SimulatorSuite;
let agent: RunningAgent;
beforeAll(async () => {
  suite = await simulatorsFor('collections', SEED, plans);
  agent = await startAgentFor(suite, 'production');
});
afterAll(async () => {
  await agent.close();
  await suite.close();
});

test('every message of real calls with the reference agent is valid under the published JSON Schemas', async () => {
  const seen: Message[] = [];
  for (const plan of plans) {
    const headers = headersFor('schemas', plan.id);
    const createBody = {
      callId: plan.id,
      from: plan.caller.phone,
      to: '03301234567',
      locale: plan.locale,
      region: plan.region,
      consentRequired: plan.consentRequired,
    };
    expect(agree('agent-protocol.create-call-request', createBody)).toBe(true);
    const created = await call(agent.url, 'POST', CALLS_PATH, { headers, body: createBody });
    expect(agree('agent-protocol.create-call-response', created.body)).toBe(true);
    const sessionId = (created.body as { sessionId: string }).sessionId;
    for (const turn of plan.turns) {
      const body = {
        turn: turn.index,
        utterance: {
          id: turn.id,
          audio: encodeUtteranceAudio(turn.id, turn.speechMs),
          speechMs: turn.speechMs,
        },
      };
      expect(agree('agent-protocol.turn-request', body)).toBe(true);
      const answer = await call(agent.url, 'POST', turnsPath(sessionId), { headers, body });
      const name: Message = answer.status === 200 ? 'agent-protocol.turn-response' : 'agent-protocol.error';
      expect(agree(name, answer.body)).toBe(true);
      seen.push(name);
      if ((answer.body as { action?: string }).action !== 'continue') break;
    }
  }
  expect(seen).toContain('agent-protocol.turn-response');
  // A protocol error the agent answers with: a turn for a session that does not exist.
  const missing = await call(agent.url, 'POST', turnsPath('no-such-session'), {
    headers: headersFor('schemas', plans[0]!.id),
    body: { turn: 0, utterance: { id: 'x.u0', audio: 'AAAA', speechMs: 1 } },
  });
  expect(missing.status).toBe(404);
  expect(agree('agent-protocol.error', missing.body)).toBe(true);
});

test('broken messages are refused by both (a transfer without its target, a target without a transfer, missing and mistyped fields)', () => {
  const reply = { reply: { text: 'ok', audioMs: 100 }, action: 'continue' };
  expect(agree('agent-protocol.turn-response', reply)).toBe(true);
  expect(agree('agent-protocol.turn-response', { ...reply, action: 'transfer' })).toBe(false);
  expect(
    agree('agent-protocol.turn-response', { ...reply, transfer: { queue: 'q', reason: 'caller_requested' } }),
  ).toBe(false);
  expect(
    agree('agent-protocol.turn-response', {
      ...reply,
      action: 'transfer',
      transfer: { queue: 'q', reason: 'caller_requested' },
    }),
  ).toBe(true);
  const request = { turn: 0, utterance: { id: 'cs-1-0.u0', audio: 'AAAA', speechMs: 10 } };
  fc.assert(
    fc.property(
      fc.constantFrom('turn', 'utterance'),
      fc.oneof(fc.constant(undefined), fc.string(), fc.integer({ min: -5, max: -1 }), fc.constant(null)),
      (field, value) => {
        const broken = { ...request, [field]: value };
        expect(agree('agent-protocol.turn-request', broken)).toBe(false);
      },
    ),
  );
});
