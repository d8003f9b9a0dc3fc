import { expect, test } from 'vitest';
import { callIdOfUtterance, GroundTruth } from '../../../simulators/dependencies/ground-truth.ts';
import { fixturePlan, fixturePlans } from '../../fixtures/call-plans.ts';

const heard = (gt: GroundTruth, utteranceId: string, transcript: string, confidence = 0.9, attempt = 1) =>
  gt.recordTranscript({ utteranceId, transcript, confidence, attempt, garbledSlots: [] });

test('resolves an utterance id to its plan and turn', () => {
  const gt = new GroundTruth();
  const [a, b] = fixturePlans(2);
  gt.register([a!, b!]);
  const ref = gt.utterance('cs-7-1.u2');
  expect(ref?.plan.id).toBe('cs-7-1');
  expect(ref?.turn.index).toBe(2);
  expect(gt.utterance('cs-7-9.u0')).toBeUndefined();
  expect(callIdOfUtterance('cs-7-12.u3')).toBe('cs-7-12');
});

test('asks the resolver for calls it was not given, once', () => {
  let asked = 0;
  const gt = new GroundTruth({
    resolvePlan: (callId) => {
      asked++;
      return callId === 'cs-7-4' ? fixturePlan({ index: 4 }) : undefined;
    },
  });
  expect(gt.utterance('cs-7-4.u1')?.turn.kind).toBe('inform');
  expect(gt.utterance('cs-7-4.u2')?.turn.kind).toBe('inform');
  expect(gt.utterance('cs-7-5.u0')).toBeUndefined();
  expect(asked).toBe(2);
});

test('a conversation resolves to the turn of its last user message, with the ASR confidence', () => {
  const gt = new GroundTruth();
  const plan = fixturePlan();
  gt.register([plan]);
  heard(gt, plan.turns[0]!.id, 'Hi, my name is Aisha Khan, account AC01000000.', 0.91);
  heard(gt, plan.turns[1]!.id, "I'm behind on my payments.", 0.62);
  const turn = gt.resolveConversation([
    'hi my name is aisha khan account ac01000000',
    "I'm behind on my payments.",
  ]);
  expect(turn?.turn.id).toBe(plan.turns[1]!.id);
  expect(turn?.transcript.confidence).toBe(0.62);
  expect(gt.resolveConversation(['something nobody said'])).toBeUndefined();
});

test('the same words from two calls are told apart by the rest of the conversation, then by recency', () => {
  const gt = new GroundTruth();
  const [a, b] = fixturePlans(2);
  gt.register([a!, b!]);
  heard(gt, a!.turns[0]!.id, 'Hi, it is Aisha, account AC01000000.');
  heard(gt, b!.turns[0]!.id, 'Hi, it is Callum, account AC01007919.');
  heard(gt, a!.turns[3]!.id, "That's everything, thanks. Bye.");
  heard(gt, b!.turns[3]!.id, "That's everything, thanks. Bye.");
  const close = "That's everything, thanks. Bye.";
  expect(gt.resolveConversation(['Hi, it is Aisha, account AC01000000.', close])?.plan.id).toBe(a!.id);
  expect(gt.resolveConversation(['Hi, it is Callum, account AC01007919.', close])?.plan.id).toBe(b!.id);
  // Nothing else to go on: the most recent transcript wins.
  expect(gt.resolveConversation([close])?.plan.id).toBe(b!.id);
});

test('a retried utterance resolves to its latest transcript', () => {
  const gt = new GroundTruth();
  const plan = fixturePlan();
  gt.register([plan]);
  heard(gt, plan.turns[1]!.id, 'behind on payments', 0.4, 1);
  heard(gt, plan.turns[1]!.id, 'behind on payments', 0.8, 2);
  expect(gt.resolveConversation(['behind on payments'])?.transcript.attempt).toBe(2);
  expect(gt.transcriptOf(plan.turns[1]!.id)?.confidence).toBe(0.8);
});

test('a value misheard in one turn stays misheard until a later turn says it right', () => {
  const gt = new GroundTruth();
  const plan = fixturePlan();
  gt.register([plan]);
  gt.recordTranscript({
    utteranceId: plan.turns[2]!.id,
    transcript: 'I can manage £170 monthly',
    confidence: 0.5,
    attempt: 1,
    garbledSlots: ['amount'],
  });
  expect([...gt.misheard(plan, 2)]).toEqual(['amount']);
  expect([...gt.misheard(plan, 1)]).toEqual([]);
});
