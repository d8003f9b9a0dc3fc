import { setupServer } from 'msw/node';
import OpenAI from 'openai';
import type { ChatCompletionMessageParam, ChatCompletionTool } from 'openai/resources/chat/completions';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { createAsrHandlers } from '../../mocks/asr-handlers.ts';
import { createDeepgramListenSocket } from '../../mocks/deepgram-listen-socket.ts';
import { createLlmHandlers } from '../../mocks/llm-handlers.ts';
import { LlmEvidenceLog } from '../../simulators/dependencies/llm-evidence-log.ts';
import { normaliseTranscript } from '../../simulators/dependencies/normalise-transcript.ts';
import { TaggedLinker } from '../../simulators/dependencies/tagged-linker.ts';
import { pcm16ToBytes } from '../../src/audio/pcm16.ts';
import { crmOperationNames } from '../../src/scenario/crm-operations.ts';
import { fixturePlan } from '../fixtures/call-plans.ts';
import { listen, simulatorWorld } from '../fixtures/simulator-world.ts';
import { frames, taggedCall } from '../fixtures/stream-audio.ts';
import { startUpgradeServer } from '../helpers/upgrade-server.ts';
import { openSocket } from '../helpers/ws-client.ts';

const balance = fixturePlan({ index: 5, flow: 'balance-enquiry' });
const dispute = fixturePlan({ index: 4, flow: 'dispute-debt' });
const arrangement = fixturePlan({ index: 3 });
const world = simulatorWorld([balance, dispute, arrangement]);
const evidence = new LlmEvidenceLog();
const server = setupServer(
  ...createAsrHandlers({ recogniser: world.recogniser, baseUrl: 'http://asr.sim' }),
  ...createLlmHandlers({
    endpoint: 'llm-primary-eu',
    region: 'eu',
    conversation: world.conversation,
    latency: false,
    evidence,
    baseUrl: 'http://llm.sim',
  }),
);
const live = createDeepgramListenSocket({
  recogniser: world.recogniser,
  linker: new TaggedLinker(),
  latency: false,
  seed: 3,
});
let stt: Awaited<ReturnType<typeof startUpgradeServer>>;
beforeAll(async () => {
  server.listen({ onUnhandledRequest: 'bypass' });
  stt = await startUpgradeServer({ '/v1/listen': live });
});
afterAll(async () => {
  server.close();
  await stt.close();
});

// Tools as Pipecat 1.14 sends them (FunctionSchema: no `strict`, no `additionalProperties`).
const TOOLS: ChatCompletionTool[] = [
  ...crmOperationNames,
  'record_intent',
  'transfer_to_human',
  'end_call',
].map((name) => ({
  type: 'function',
  function: { name, description: name, parameters: { type: 'object', properties: {}, required: [] } },
}));
// Made per run: the SDK keeps the fetch it finds, and msw patches fetch only once listening.
const llm = () => new OpenAI({ baseURL: 'http://llm.sim/v1', apiKey: 'sk-pipecat', maxRetries: 0 });

/** The start of a Pipecat call's context: the system instruction, then the intro the example bot asks for. */
function pipecatContext(caller: string): ChatCompletionMessageParam[] {
  return [
    {
      role: 'system',
      content: `You are the phone assistant of Callstorm Services.\nAt the start of each caller request, call record_intent.\nThe caller is phoning from ${caller}.`,
    },
    { role: 'developer', content: 'Please introduce yourself to the user.' },
  ];
}

/**
 * One Pipecat LLM run, as OpenAILLMService does it: streamed, usage included, the whole context
 * each time; tool calls run after the stream, each first as an IN_PROGRESS tool message that its
 * result then replaces, and the LLM runs again; the reply is appended as the assistant's.
 */
async function pipecatRun(context: ChatCompletionMessageParam[]): Promise<string[]> {
  const called: string[] = [];
  for (let round = 0; round < 4; round++) {
    const done = await llm()
      .chat.completions.stream({
        model: 'gpt-4.1',
        messages: context,
        tools: TOOLS,
        stream_options: { include_usage: true },
      })
      .finalChatCompletion();
    const message = done.choices[0]!.message;
    const calls = (message.tool_calls ?? []).filter((c) => c.type === 'function');
    if (calls.length === 0) {
      context.push({ role: 'assistant', content: message.content ?? '' });
      return called;
    }
    context.push({ role: 'assistant', content: message.content, tool_calls: calls });
    for (const c of calls) {
      called.push(c.function.name);
      context.push({ role: 'tool', tool_call_id: c.id, content: 'IN_PROGRESS' });
    }
    for (const c of calls) {
      const slot = context.findIndex((m) => m.role === 'tool' && m.tool_call_id === c.id);
      context[slot] = {
        role: 'tool',
        tool_call_id: c.id,
        content: JSON.stringify({ status: 200, body: {} }),
      };
    }
    if (calls.every((c) => c.function.name === 'end_call' || c.function.name === 'transfer_to_human'))
      return called;
  }
  return called;
}

test('a Pipecat-shaped conversation is linked by transcript: the LLM simulator records what it classified and which tools it called, per turn', async () => {
  const context = pipecatContext(balance.caller.phone);
  // The greeting run has no user message: nothing to link, counted as unlinked.
  const unlinkedBefore = evidence.unlinkedRequests;
  await pipecatRun(context);
  expect(evidence.unlinkedRequests).toBe(unlinkedBefore + 1);
  for (const turn of balance.turns) {
    const heard = await listen('http://asr.sim', turn.id, turn.speechMs);
    context.push({ role: 'user', content: heard.transcript });
    await pipecatRun(context);
  }
  const e = evidence.ofCall(balance.id);
  expect(e.turns.map((t) => [t.turnIndex, t.classified, t.correct])).toEqual(
    // The goodbye carries no intent: the model did not classify it.
    balance.turns.map((t) => [t.index, t.kind === 'close' ? null : t.expect.intent, true]),
  );
  expect(e.toolCalls.map((c) => [c.turnIndex, c.name])).toEqual([
    [0, 'record_intent'],
    [0, 'lookup_account'],
    [1, 'record_intent'],
    [1, 'get_balance'],
    [2, 'end_call'],
  ]);
  expect(e.toolCalls[1]!.arguments).toEqual({ accountId: balance.caller.accountId });
  expect(e.ending).toEqual({ by: 'end', turnIndex: 2 });
  // Every run after a user message was linked: two rounds on each turn that called tools, one on the last.
  expect(e.requests).toBe(5);
});

test('a transfer the model decided is evidence with its reason', async () => {
  const context = pipecatContext(dispute.caller.phone);
  for (const turn of dispute.turns) {
    const heard = await listen('http://asr.sim', turn.id, turn.speechMs);
    context.push({ role: 'user', content: heard.transcript });
    await pipecatRun(context);
  }
  expect(evidence.ofCall(dispute.id).ending).toEqual({
    by: 'transfer',
    reason: 'out_of_scope',
    turnIndex: 1,
  });
});

test('a turn the live speech-to-text split at a pause is still linked: each run of its finals names the utterance', async () => {
  const turn = arrangement.turns[0]!;
  const socket = await openSocket(
    `${stt.wsUrl}/v1/listen?encoding=linear16&sample_rate=8000&interim_results=true&punctuate=true`,
  );
  const all = [...frames(taggedCall([turn], { tailMs: 600 }).samples, 8000)];
  const half = Math.floor(all.length / 2);
  const finals: string[] = [];
  const taken = new Set<Record<string, unknown>>();
  const transcript = (m: Record<string, unknown>) =>
    (m['channel'] as { alternatives: { transcript: string }[] }).alternatives[0]!.transcript;
  const nextFinal = async () => {
    const m = await socket.next(
      (x) => !taken.has(x) && x['type'] === 'Results' && x['is_final'] === true && transcript(x) !== '',
    );
    taken.add(m);
    finals.push(transcript(m));
  };
  // A VAD stop in the middle of the utterance: the bot finalises what it has.
  for (const f of all.slice(0, half)) socket.send(pcm16ToBytes(f));
  socket.send({ type: 'Finalize' });
  await nextFinal();
  for (const f of all.slice(half)) socket.send(pcm16ToBytes(f));
  socket.send({ type: 'Finalize' });
  await nextFinal();
  socket.send({ type: 'CloseStream' });
  await socket.closed;
  expect(finals).toHaveLength(2);
  const whole = world.groundTruth.transcriptOf(turn.id)!.transcript;
  expect(normaliseTranscript(finals.join(' '))).toBe(normaliseTranscript(whole));
  // Pipecat sends the first half as a turn, then the rest as the next user message.
  for (const [i, text] of finals.entries()) {
    const resolved = world.conversation.resolve([
      { role: 'system' as const, content: String(pipecatContext(arrangement.caller.phone)[0]!.content) },
      ...finals.slice(0, i).map((t) => ({ role: 'user' as const, content: t })),
      { role: 'user' as const, content: text },
    ]);
    expect(resolved?.turn.id).toBe(turn.id);
  }
  // And both halves as one message, as a turn that waited out the pause.
  expect(world.conversation.resolve([{ role: 'user', content: finals.join(' ') }])?.turn.id).toBe(turn.id);
  // Words that are not a run of its finals link nothing.
  const words = whole.split(' ');
  expect(
    world.conversation.resolve([{ role: 'user', content: words.slice(1, 4).join(' ') }]),
  ).toBeUndefined();
});
