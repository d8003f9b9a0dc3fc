import { afterEach, expect, test } from 'vitest';
import { AgentCallError } from '../../src/driver/agent-adapter.ts';
import { createHttpAgentAdapter } from '../../src/driver/http-agent-adapter.ts';
import { MAX_RESPONSE_BYTES } from '../../src/protocol/agent-protocol.ts';
import { fixturePlan } from '../fixtures/call-plans.ts';
import { drip, endlessBody, json, type ScriptedAgent, startScriptedAgent } from './scripted-agent.ts';

const ctx = { runId: 'r', plan: fixturePlan() };
const turn = { turn: 0, utterance: { id: 'cs-7-0.u0', audio: 'AAAA', speechMs: 10 } };
let agent: ScriptedAgent | null = null;

afterEach(async () => {
  await agent?.close();
  agent = null;
});

async function rejection(p: Promise<unknown>): Promise<AgentCallError> {
  const error = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(AgentCallError);
  return error as AgentCallError;
}

test('a POST the agent answers with a slow drip fails at its deadline, though bytes keep coming', async () => {
  agent = await startScriptedAgent({ create: (_r, res) => drip(res, 201, 20) });
  const adapter = createHttpAgentAdapter({ url: agent.url, requestTimeoutMs: 300 });
  const started = performance.now();
  const error = await rejection(adapter.startCall(ctx));
  expect(error.kind).toBe('timeout');
  expect(error.message).toContain('no complete answer within 300 ms');
  expect(performance.now() - started).toBeLessThan(5_000);
  await adapter.close();
});

test('a DELETE answered by a slow drip ends at the hang-up deadline, and close() does not hang on it', async () => {
  agent = await startScriptedAgent({ hangUp: (_r, res) => drip(res, 200, 20) });
  const adapter = createHttpAgentAdapter({ url: agent.url, hangUpTimeoutMs: 300 });
  const started = performance.now();
  const hangUp = adapter.hangUp(ctx, 's-1');
  // close() waits for the hang-up in flight, which its own deadline bounds.
  await adapter.close();
  await hangUp;
  expect(agent.seen.hangUp).toBe(1);
  expect(performance.now() - started).toBeLessThan(5_000);
});

test('an endless response body fails the request at the 1 MiB cap instead of being buffered', async () => {
  agent = await startScriptedAgent({ turn: (_r, res) => endlessBody(res) });
  const adapter = createHttpAgentAdapter({ url: agent.url, requestTimeoutMs: 20_000 });
  const error = await rejection(adapter.turn(ctx, 's-1', turn));
  expect(error.kind).toBe('protocol-error');
  expect(error.message).toContain(`over the ${MAX_RESPONSE_BYTES}-byte cap`);
  expect(error.status).toBe(200);
  await adapter.close();
});

test('a declared content-length over the cap fails before the body is read', async () => {
  agent = await startScriptedAgent({
    turn: (_r, res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': 50 * 1024 * 1024 });
      res.write('{');
    },
  });
  const adapter = createHttpAgentAdapter({ url: agent.url });
  const error = await rejection(adapter.turn(ctx, 's-1', turn));
  expect(error.message).toContain(`response body of ${50 * 1024 * 1024} bytes is over the`);
  await adapter.close();
});

test('a body just under the cap is still read', async () => {
  const padding = 'x'.repeat(MAX_RESPONSE_BYTES - 200);
  agent = await startScriptedAgent({
    turn: (_r, res) => json(res, 200, { reply: { text: padding, audioMs: 0 }, action: 'continue' }),
  });
  const adapter = createHttpAgentAdapter({ url: agent.url });
  const reply = await adapter.turn(ctx, 's-1', turn);
  expect(reply.reply.text.length).toBe(padding.length);
  await adapter.close();
});
