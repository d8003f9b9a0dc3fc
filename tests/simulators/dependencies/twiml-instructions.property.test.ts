import fc from 'fast-check';
import { expect, test } from 'vitest';
import { decodeXmlText, readTwiml } from '../../../simulators/dependencies/twiml-instructions.ts';

test("the transfer TwiML the Pipecat test bot posts: a transfer to contact-centre, with the transfer tool's reason", () => {
  const twiml =
    '<Response><Dial><Client><Identity>contact-centre</Identity><Parameter name="reason" value="caller_requested"/></Client></Dial></Response>';
  expect(readTwiml(twiml)).toEqual({
    transfer: true,
    hangUp: false,
    reason: 'caller_requested',
    queue: 'contact-centre',
  });
});

test('Dial to a number, Enqueue, Hangup, Say only, single quotes and entities', () => {
  expect(readTwiml('<Response><Dial>+441632960111</Dial></Response>')).toMatchObject({
    transfer: true,
    queue: '+441632960111',
    reason: null,
  });
  expect(readTwiml('<Response><Enqueue waitUrl="/hold">arrears</Enqueue></Response>')).toMatchObject({
    transfer: true,
    queue: 'arrears',
  });
  expect(readTwiml('<Response><Say>Goodbye</Say><Hangup/></Response>')).toEqual({
    transfer: false,
    hangUp: true,
    reason: null,
    queue: null,
  });
  expect(readTwiml('<Response><Say>Bye</Say></Response>')).toMatchObject({ transfer: false, hangUp: false });
  expect(
    readTwiml(
      `<Response><Dial><Number>+44</Number></Dial><Parameter name='reason' value='out &amp; about'/></Response>`,
    ),
  ).toMatchObject({ transfer: true, reason: 'out & about', queue: '+44' });
  // Hanging up before the Dial: the call ends there.
  expect(readTwiml('<Response><Hangup/><Dial>+44</Dial></Response>')).toMatchObject({
    transfer: false,
    hangUp: true,
  });
});

test('any text at all reads without throwing, and a reason written in a Parameter is read back exactly', () => {
  fc.assert(
    fc.property(fc.string({ maxLength: 400 }), (text) => {
      const r = readTwiml(text);
      expect(typeof r.transfer).toBe('boolean');
      expect(r.transfer && r.hangUp).toBe(false);
    }),
    { numRuns: 500 },
  );
  const xmlEscape = (s: string) =>
    s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
  fc.assert(
    fc.property(fc.string({ minLength: 1, maxLength: 80 }), (reason) => {
      const twiml = `<Response><Dial><Client><Identity>q</Identity><Parameter name="reason" value="${xmlEscape(reason)}"/></Client></Dial></Response>`;
      expect(readTwiml(twiml).reason).toBe(reason);
    }),
  );
});

test('numeric character references decode; unknown entities stay as written', () => {
  expect(decodeXmlText('&#39;&#x41;&bogus;&lt;')).toBe("'A&bogus;<");
});
