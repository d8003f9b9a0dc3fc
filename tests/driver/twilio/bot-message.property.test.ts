import fc from 'fast-check';
import { expect, test } from 'vitest';
import { parseBotMessage } from '../../../src/driver/twilio/bot-message.ts';

const SID = 'MZ0123456789abcdef0123456789abcdef';

test('media, mark and clear are read; what a bot sends Twilio in its own shape works', () => {
  const payload = Buffer.alloc(320, 0x7f).toString('base64');
  const media = parseBotMessage(
    JSON.stringify({ event: 'media', streamSid: SID, media: { payload } }),
    false,
    SID,
  );
  expect(media).toMatchObject({ kind: 'media', streamSidOk: true });
  expect(media.kind === 'media' && media.audio.length).toBe(320);
  expect(parseBotMessage(`{"event":"mark","streamSid":"${SID}","mark":{"name":"m1"}}`, false, SID)).toEqual({
    kind: 'mark',
    name: 'm1',
    streamSidOk: true,
  });
  expect(parseBotMessage('{"event":"clear"}', false, SID)).toEqual({ kind: 'clear', streamSidOk: false });
  expect(parseBotMessage('{"event":"dtmf","dtmf":{"digit":"1"}}', false, SID)).toEqual({
    kind: 'ignored',
    event: 'dtmf',
  });
});

test('malformed messages are named, never thrown', () => {
  const reason = (text: string, binary = false) => {
    const m = parseBotMessage(text, binary, SID);
    return m.kind === 'malformed' ? m.reason : m.kind;
  };
  expect(reason('hello')).toBe('not JSON');
  expect(reason('[1,2]')).toBe('not a JSON object');
  expect(reason('{"media":{}}')).toBe('no "event"');
  expect(reason('{"event":"media"}')).toBe('media without a payload');
  expect(reason('{"event":"media","media":{"payload":""}}')).toBe('media with an empty payload');
  expect(reason('{"event":"media","media":{"payload":"not base64!"}}')).toBe('media payload not base64');
  expect(reason('{"event":"mark","mark":{}}')).toBe('mark without a name');
  expect(reason('{"event":"play"}')).toBe('unknown event "play"');
  expect(reason('{"event":"media"}', true)).toBe('binary frame');
});

test('any text or bytes at all: a message kind comes back, never an exception', () => {
  fc.assert(
    fc.property(
      fc.oneof(
        fc.string(),
        fc.json(),
        fc.uint8Array().map((b) => Buffer.from(b).toString('latin1')),
      ),
      fc.boolean(),
      (text, binary) => {
        const m = parseBotMessage(Buffer.from(text), binary, SID);
        expect(['media', 'mark', 'clear', 'ignored', 'malformed']).toContain(m.kind);
      },
    ),
    { numRuns: 500 },
  );
});

test('every base64 payload of any bytes round-trips as audio', () => {
  fc.assert(
    fc.property(fc.uint8Array({ minLength: 1, maxLength: 2_000 }), (bytes) => {
      const payload = Buffer.from(bytes).toString('base64');
      const m = parseBotMessage(
        JSON.stringify({ event: 'media', streamSid: SID, media: { payload } }),
        false,
        SID,
      );
      expect(m.kind === 'media' && Buffer.compare(m.audio, Buffer.from(bytes))).toBe(0);
    }),
  );
});
