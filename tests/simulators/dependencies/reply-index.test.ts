import { expect, test } from 'vitest';
import { ReplyIndex } from '../../../simulators/dependencies/reply-index.ts';

test('finds the call of a reply spoken whole or a sentence at a time, whatever its case and punctuation', () => {
  const index = new ReplyIndex();
  index.record({ callId: 'cs-1-1', utteranceId: 'cs-1-1.u0', text: 'Thanks Aisha. Your balance is £200.' });
  index.record({ callId: 'cs-1-2', utteranceId: 'cs-1-2.u1', text: 'I have booked that for Tuesday.' });
  expect(index.claim('thanks aisha')?.reply.callId).toBe('cs-1-1');
  expect(index.claim('Your balance is £200.')).toMatchObject({
    reply: { utteranceId: 'cs-1-1.u0' },
    ambiguous: false,
  });
  expect(index.claim('I have booked that for Tuesday.')?.reply.callId).toBe('cs-1-2');
  expect(index.claim('Something nobody said.')).toBeUndefined();
});

test('the same words from several calls go to the oldest reply not yet spoken, flagged ambiguous', () => {
  const index = new ReplyIndex();
  for (const call of ['a', 'b', 'c'])
    index.record({ callId: call, utteranceId: `${call}.u0`, text: 'How can I help you today?' });
  const spoken = [1, 2, 3].map(() => index.claim('How can I help you today?'));
  expect(spoken.map((m) => m?.reply.callId)).toEqual(['a', 'b', 'c']);
  expect(spoken.every((m) => m?.ambiguous)).toBe(true);
});

test('keeps only the most recent replies', () => {
  const index = new ReplyIndex({ capacity: 2 });
  for (const n of [1, 2, 3])
    index.record({ callId: `c${n}`, utteranceId: `c${n}.u0`, text: `Reply number ${n}.` });
  expect(index.claim('Reply number 1.')).toBeUndefined();
  expect(index.claim('Reply number 3.')?.reply.callId).toBe('c3');
});
