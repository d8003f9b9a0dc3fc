import { setupServer } from 'msw/node';
import OpenAI from 'openai';
import type { ChatCompletionMessageParam, ChatCompletionTool } from 'openai/resources/chat/completions';
import { afterAll, afterEach, beforeAll, expect, test } from 'vitest';
import { createAsrHandlers } from '../../mocks/asr-handlers.ts';
import { createLlmHandlers } from '../../mocks/llm-handlers.ts';
import { FaultSet } from '../../simulators/dependencies/faults/fault-set.ts';
import { crmOperationNames } from '../../src/scenario/crm-operations.ts';
import { fixturePlan } from '../../tests/fixtures/call-plans.ts';
import { listen, simulatorWorld } from '../fixtures/simulator-world.ts';

const plan = fixturePlan({ index: 3 });
const dispute = fixturePlan({ index: 4, flow: 'dispute-debt' });
const world = simulatorWorld([plan, dispute]);
const faults = new FaultSet({ kind: 'llm' });
const ENDPOINTS = [
  { endpoint: 'llm-primary-eu', region: 'eu' },
  { endpoint: 'llm-secondary-eu', region: 'eu' },
  { endpoint: 'llm-us', region: 'us' },
];
const server = setupServer(
  ...createAsrHandlers({ recogniser: world.recogniser, baseUrl: 'http://asr.sim' }),
  ...ENDPOINTS.flatMap((e) =>
    createLlmHandlers({
      ...e,
      conversation: world.conversation,
      latency: false,
      faults,
      baseUrl: `http://${e.endpoint}.sim`,
    }),
  ),
);
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => {
  for (const f of faults.list()) faults.clear(f.id);
});
afterAll(() => server.close());

const client = (endpoint = 'llm-primary-eu') =>
  new OpenAI({ baseURL: `http://${endpoint}.sim/v1`, apiKey: 'sk-callstorm', maxRetries: 0 });
const tool = (name: string): ChatCompletionTool => ({
  type: 'function',
  function: {
    name,
    description: name,
    parameters: { type: 'object', properties: {}, additionalProperties: true },
  },
});
const TOOLS = [...crmOperationNames, 'record_intent', 'transfer_to_human', 'end_call'].map(tool);

test('a plain completion through the official SDK', async () => {
  const { data, response } = await client()
    .chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Hello there' }] })
    .withResponse();
  expect(data.object).toBe('chat.completion');
  expect(data.id).toMatch(/^chatcmpl-/);
  expect(data.model).toBe('gpt-4o-mini');
  expect(data.choices[0]!.finish_reason).toBe('stop');
  expect(data.choices[0]!.message.content).toMatch(/help/);
  expect(data.usage!.total_tokens).toBe(data.usage!.prompt_tokens + data.usage!.completion_tokens);
  expect(data.usage!.prompt_tokens).toBeGreaterThan(0);
  expect(response.headers.get('x-callstorm-region')).toBe('eu');
});

test('every named endpoint answers with its own region', async () => {
  for (const e of ENDPOINTS) {
    const { response } = await client(e.endpoint)
      .chat.completions.create({ model: 'm', messages: [{ role: 'user', content: 'hi' }] })
      .withResponse();
    expect(response.headers.get('x-callstorm-region')).toBe(e.region);
    expect(response.headers.get('x-callstorm-endpoint')).toBe(e.endpoint);
  }
});

test('streaming: the assembled chunks equal the plain answer, with usage last', async () => {
  const messages: ChatCompletionMessageParam[] = [{ role: 'user', content: 'Is anyone there?' }];
  const plain = await client().chat.completions.create({ model: 'm', messages });
  const stream = await client().chat.completions.create({
    model: 'm',
    messages,
    stream: true,
    stream_options: { include_usage: true },
  });
  let text = '';
  let finish: string | null = null;
  let usage: OpenAI.CompletionUsage | null | undefined;
  let chunks = 0;
  for await (const chunk of stream) {
    chunks++;
    expect(chunk.object).toBe('chat.completion.chunk');
    if (chunk.choices[0]) {
      text += chunk.choices[0].delta.content ?? '';
      finish = chunk.choices[0].finish_reason ?? finish;
    } else usage = chunk.usage;
  }
  expect(chunks).toBeGreaterThan(3);
  expect(text).toBe(plain.choices[0]!.message.content);
  expect(finish).toBe('stop');
  expect(usage?.completion_tokens).toBe(plain.usage!.completion_tokens);
});

test('the SDK parses tool calls, plain and streamed (finalChatCompletion)', async () => {
  const opening = plan.turns[0]!;
  const heard = await listen('http://asr.sim', opening.id, opening.speechMs);
  const messages: ChatCompletionMessageParam[] = [{ role: 'user', content: heard.transcript }];
  const plain = await client().chat.completions.create({ model: 'm', messages, tools: TOOLS });
  expect(plain.choices[0]!.finish_reason).toBe('tool_calls');
  const calls = plain.choices[0]!.message.tool_calls!.map((c) =>
    c.type === 'function' ? [c.function.name, JSON.parse(c.function.arguments)] : [],
  );
  expect(calls.map((c) => c[0])).toEqual(['record_intent', 'lookup_account']);
  expect(calls[1]![1]).toEqual({ accountId: plan.caller.accountId });

  const streamed = await client()
    .chat.completions.stream({ model: 'm', messages, tools: TOOLS })
    .finalChatCompletion();
  expect(
    streamed.choices[0]!.message.tool_calls?.map((c) => (c.type === 'function' ? c.function : null)),
  ).toEqual(plain.choices[0]!.message.tool_calls!.map((c) => (c.type === 'function' ? c.function : null)));
});

test('a call driven turn by turn ends with the expected write and end_call', async () => {
  const messages: ChatCompletionMessageParam[] = [
    { role: 'system', content: 'You are the collections agent.' },
  ];
  const called: { name: string; args: Record<string, string> }[] = [];
  for (const turn of plan.turns) {
    const heard = await listen('http://asr.sim', turn.id, turn.speechMs);
    messages.push({ role: 'user', content: heard.transcript });
    for (let round = 0; round < 3; round++) {
      const response = await client().chat.completions.create({ model: 'm', messages, tools: TOOLS });
      const message = response.choices[0]!.message;
      messages.push(message);
      const toolCalls = (message.tool_calls ?? []).flatMap((c) => (c.type === 'function' ? [c] : []));
      for (const c of toolCalls) {
        called.push({
          name: c.function.name,
          args: JSON.parse(c.function.arguments) as Record<string, string>,
        });
        messages.push({ role: 'tool', tool_call_id: c.id, content: '{"ok":true}' });
      }
      if (message.content || toolCalls.length === 0) break;
    }
  }
  const writes = called.filter((c) => c.name === 'create_payment_arrangement');
  expect(writes).toHaveLength(1);
  expect(writes[0]!.args).toEqual(plan.expectedWrites[0]!.args);
  expect(called[called.length - 1]!.name).toBe('end_call');
});

test('an out-of-scope request ends in transfer_to_human with the reason', async () => {
  const turn = dispute.turns[1]!;
  const opening = await listen('http://asr.sim', dispute.turns[0]!.id, dispute.turns[0]!.speechMs);
  const heard = await listen('http://asr.sim', turn.id, turn.speechMs);
  const response = await client().chat.completions.create({
    model: 'm',
    messages: [
      { role: 'user', content: opening.transcript },
      { role: 'user', content: heard.transcript },
    ],
    tools: [tool('transfer_to_human'), tool('end_call')],
  });
  const call = response.choices[0]!.message.tool_calls?.[0];
  expect(call?.type === 'function' && call.function.name).toBe('transfer_to_human');
  expect(call?.type === 'function' && JSON.parse(call.function.arguments)).toEqual({
    reason: 'out_of_scope',
  });
});

test('llm-truncated-stream: the stream stops early with no finish_reason', async () => {
  faults.set({ type: 'llm-truncated-stream', params: { afterChars: 10 } });
  const stream = await client().chat.completions.create({
    model: 'm',
    messages: [{ role: 'user', content: 'Hello?' }],
    stream: true,
  });
  let text = '';
  const finishes: (string | null)[] = [];
  for await (const chunk of stream) {
    text += chunk.choices[0]?.delta.content ?? '';
    finishes.push(chunk.choices[0]?.finish_reason ?? null);
  }
  expect(text).toHaveLength(10);
  expect(finishes.every((f) => f === null)).toBe(true);
});

test('llm-slow-first-token delays the answer; rate-limit answers 429 in the OpenAI error shape', async () => {
  faults.set({ type: 'llm-slow-first-token', params: { ms: 300 } });
  const started = performance.now();
  await client().chat.completions.create({ model: 'm', messages: [{ role: 'user', content: 'Hello?' }] });
  expect(performance.now() - started).toBeGreaterThanOrEqual(290);
  for (const f of faults.list()) faults.clear(f.id);

  faults.set({ type: 'rate-limit', params: { rps: 0.001, burst: 1 } });
  await client().chat.completions.create({ model: 'm', messages: [{ role: 'user', content: 'Hello?' }] });
  const error = await client()
    .chat.completions.create({ model: 'm', messages: [{ role: 'user', content: 'Hello?' }] })
    .catch((e: unknown) => e);
  expect(error).toBeInstanceOf(OpenAI.APIError);
  expect((error as InstanceType<typeof OpenAI.APIError>).status).toBe(429);
  const apiError = error as InstanceType<typeof OpenAI.APIError>;
  expect(apiError.headers?.get('x-callstorm-region')).toBe('eu');
  expect(apiError.headers?.get('retry-after')).toBeTruthy();
  expect(apiError.code).toBe('rate_limit_exceeded');
});

test('max_tokens cuts the answer with finish_reason length; a bad request is a 400', async () => {
  const response = await client().chat.completions.create({
    model: 'm',
    max_tokens: 3,
    messages: [{ role: 'user', content: 'Hello?' }],
  });
  expect(response.choices[0]!.finish_reason).toBe('length');
  expect(response.usage!.completion_tokens).toBe(3);
  const bad = await fetch('http://llm-us.sim/v1/chat/completions', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: '{"model":"m","messages":[]}',
  });
  expect(bad.status).toBe(400);
  expect(((await bad.json()) as { error: { param: string } }).error.param).toBe('messages');
});
