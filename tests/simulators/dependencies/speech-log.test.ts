import { expect, test } from 'vitest';
import { GroundTruth } from '../../../simulators/dependencies/ground-truth.ts';
import { greetingOf, SpeechLog } from '../../../simulators/dependencies/speech-log.ts';

const format = { audioMs: 1000, encoding: 'linear16', sampleRate: 16_000, container: 'none' } as const;
const GREETING_A = 'Hello, you are through to Northwind. This call is recorded for training and quality.';
const GREETING_B = 'Hello, you are through to Northwind. Can I take your date of birth?';

function world() {
  const groundTruth = new GroundTruth();
  const log = new SpeechLog({ groundTruth });
  const socket = (connection: string, text: string) =>
    log.record({ wire: 'speak-socket', connection, text, ...format });
  return { groundTruth, log, socket };
}

test('a greeting a streaming bot speaks before asking its LLM belongs to the call whose reply later comes on the same speak socket', () => {
  const { groundTruth, log, socket } = world();
  // Two calls pick up at once: their greetings are no LLM reply, so no words tell them apart.
  socket('sock-a', GREETING_A);
  socket('sock-b', GREETING_B);
  expect(log.ofCall('cs-1-1')).toEqual([]);
  groundTruth.replies.record({
    callId: 'cs-1-2',
    utteranceId: 'cs-1-2.u1',
    text: 'Your balance is forty pounds.',
  });
  groundTruth.replies.record({
    callId: 'cs-1-1',
    utteranceId: 'cs-1-1.u1',
    text: 'I can set up a payment plan.',
  });
  socket('sock-a', 'I can set up a payment plan.');
  socket('sock-b', 'Your balance is forty pounds.');
  // A filler after the first reply, on a socket whose call is known.
  socket('sock-a', 'One moment please.');

  const a = log.ofCall('cs-1-1');
  expect(a.map((r) => [r.text, r.attributedBy])).toEqual([
    [GREETING_A, 'connection'],
    ['I can set up a payment plan.', 'reply'],
    ['One moment please.', 'connection'],
  ]);
  expect(greetingOf(a)).toBe(GREETING_A);
  expect(greetingOf(log.ofCall('cs-1-2'))).toBe(GREETING_B);
  expect(log.summary()).toMatchObject({ total: 5, attributed: 5, unattributed: 0 });
});

test('no greeting when the call spoke no text before its first reply, or when no reply ever named the socket', () => {
  const { groundTruth, log, socket } = world();
  groundTruth.replies.record({ callId: 'cs-1-3', utteranceId: 'cs-1-3.u1', text: 'Thanks, that is done.' });
  socket('sock-c', 'Thanks, that is done.');
  expect(greetingOf(log.ofCall('cs-1-3'))).toBeUndefined();
  socket('sock-d', GREETING_A); // the caller hung up before any reply
  expect(log.summary().unattributed).toBe(1);
  // Texts on a wire without connections (one HTTP request each) are never attributed by connection.
  log.record({ wire: 'speak', text: GREETING_B, ...format });
  expect(log.summary().unattributed).toBe(2);
});

test('an ambiguous reply (the same words in two calls) does not bind its socket to either call', () => {
  const { groundTruth, log, socket } = world();
  socket('sock-e', GREETING_A);
  groundTruth.replies.record({ callId: 'cs-1-4', utteranceId: 'cs-1-4.u1', text: 'Let me check that.' });
  groundTruth.replies.record({ callId: 'cs-1-5', utteranceId: 'cs-1-5.u1', text: 'Let me check that.' });
  socket('sock-e', 'Let me check that.');
  expect(log.ofCall('cs-1-4').map((r) => r.text)).toEqual(['Let me check that.']);
  expect(greetingOf(log.ofCall('cs-1-4'))).toBeUndefined();
});
