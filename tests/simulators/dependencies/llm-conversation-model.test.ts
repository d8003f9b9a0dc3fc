import { expect, test } from 'vitest';
import type { ChatTurnMessage } from '../../../simulators/dependencies/llm-conversation-model.ts';
import { crmOperationNames } from '../../../src/scenario/crm-operations.ts';
import { fixturePlan } from '../../fixtures/call-plans.ts';
import { simulatorWorld } from '../../fixtures/simulator-world.ts';

const TOOLS = [...crmOperationNames, 'record_intent', 'transfer_to_human', 'end_call'];

test('a call heard cleanly: reads, the planned write with its exact args, then end_call', () => {
  const plan = fixturePlan();
  const { groundTruth, conversation } = simulatorWorld([plan]);
  const messages: ChatTurnMessage[] = [{ role: 'system', content: 'You are a collections agent.' }];
  const calls: string[] = [];
  let writeArgs: Record<string, string> | undefined;
  for (const turn of plan.turns) {
    groundTruth.recordTranscript({
      utteranceId: turn.id,
      transcript: turn.text,
      confidence: 0.99,
      attempt: 1,
      garbledSlots: [],
    });
    messages.push({ role: 'user', content: turn.text });
    const first = conversation.respond({ messages, tools: TOOLS, wrongIntentRate: 0 });
    for (const c of first.toolCalls) calls.push(c.name);
    writeArgs ??= first.toolCalls.find((c) => c.name === 'create_payment_arrangement')?.arguments;
    if (first.content === null) {
      messages.push({ role: 'assistant', content: '' }, { role: 'tool', content: '{"ok":true}' });
      const second = conversation.respond({ messages, tools: TOOLS, wrongIntentRate: 0 });
      expect(second.content).toBeTruthy();
      for (const c of second.toolCalls) calls.push(c.name);
      messages.push({ role: 'assistant', content: second.content ?? '' });
    }
  }
  expect(calls).toContain('lookup_account');
  expect(calls.filter((c) => c === 'create_payment_arrangement')).toHaveLength(1);
  expect(writeArgs).toEqual(plan.expectedWrites[0]!.args);
  expect(calls[calls.length - 1]).toBe('end_call');
});

test('a misheard amount becomes a wrong write; only offered tools are called', () => {
  const plan = fixturePlan();
  const { groundTruth, conversation } = simulatorWorld([plan]);
  const turn = plan.turns[2]!;
  groundTruth.recordTranscript({
    utteranceId: turn.id,
    transcript: 'I can manage £190 monthly, starting 14 March.',
    confidence: 0.97,
    attempt: 1,
    garbledSlots: ['amount'],
  });
  const answer = conversation.respond({
    messages: [{ role: 'user', content: 'I can manage £190 monthly, starting 14 March.' }],
    tools: ['create_payment_arrangement'],
    wrongIntentRate: 0,
  });
  expect(answer.toolCalls.map((c) => c.name)).toEqual(['create_payment_arrangement']);
  const args = answer.toolCalls[0]!.arguments;
  expect(args['amount']).not.toBe(plan.expectedWrites[0]!.args['amount']);
  expect(args['frequency']).toBe('monthly');
});

test('a wrong intent makes no writes', () => {
  const plan = fixturePlan();
  const { groundTruth, conversation } = simulatorWorld([plan]);
  const turn = plan.turns[2]!;
  groundTruth.recordTranscript({
    utteranceId: turn.id,
    transcript: turn.text,
    confidence: 0.97,
    attempt: 1,
    garbledSlots: [],
  });
  const answer = conversation.respond({
    messages: [{ role: 'user', content: turn.text }],
    tools: TOOLS,
    wrongIntentRate: 1,
  });
  expect(answer.classification?.correct).toBe(false);
  expect(answer.toolCalls.map((c) => c.name)).not.toContain('create_payment_arrangement');
  expect(groundTruth.classifiedIntent(turn.id)).toBe(answer.classification?.intent);
});

test('an out-of-scope request is transferred with its reason', () => {
  const plan = fixturePlan({ flow: 'dispute-debt' });
  const { groundTruth, conversation } = simulatorWorld([plan]);
  const turn = plan.turns[1]!;
  groundTruth.recordTranscript({
    utteranceId: turn.id,
    transcript: turn.text,
    confidence: 0.98,
    attempt: 1,
    garbledSlots: [],
  });
  const answer = conversation.respond({
    messages: [{ role: 'user', content: turn.text }],
    tools: ['transfer_to_human', 'end_call'],
    wrongIntentRate: 0,
  });
  expect(answer.toolCalls).toEqual([{ name: 'transfer_to_human', arguments: { reason: 'out_of_scope' } }]);
  expect(answer.content).toMatch(/colleague|someone/);
});

test('a conversation the ground truth does not know gets a polite reply and no tools', () => {
  const { conversation } = simulatorWorld([]);
  const answer = conversation.respond({
    messages: [{ role: 'user', content: 'Hello?' }],
    tools: TOOLS,
    wrongIntentRate: 0,
  });
  expect(answer.toolCalls).toEqual([]);
  expect(answer.content).toMatch(/help/);
});
