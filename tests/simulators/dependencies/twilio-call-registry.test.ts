import { expect, test } from 'vitest';
import { TwilioCallRegistry } from '../../../simulators/dependencies/twilio-call-registry.ts';

const call = (n: number) => ({
  callSid: `CA${String(n).padStart(32, '0')}`,
  accountSid: `AC${'1'.repeat(32)}`,
  from: '+447700900123',
  to: '+441632960000',
  callId: `cs-1-${n}`,
});

test('Status=completed hangs an in-progress call up once; canceled leaves it be (Twilio: queued or ringing calls only)', () => {
  const r = new TwilioCallRegistry();
  const sid = r.register(call(1)).sid;
  expect(r.update(sid, { Status: 'canceled' })).toMatchObject({ call: { status: 'in-progress' } });
  expect(r.update(sid, { Status: 'completed' })).toMatchObject({ call: { status: 'completed' } });
  expect(r.update(sid, { Status: 'completed' })).toMatchObject({ call: { status: 'completed' } });
  expect(r.eventsAfter(0).events).toMatchObject([
    { seq: 1, kind: 'hang-up', via: 'status', callId: 'cs-1-1' },
  ]);
  // Redirecting a completed call is refused, as Twilio refuses it.
  expect(r.update(sid, { Twiml: '<Response><Dial>+44</Dial></Response>' })).toEqual({
    refused: { status: 400, code: 21220, message: 'Call is not in-progress. Cannot redirect.' },
  });
});

test('Twiml with <Dial> and a Url are transfers (with their reasons); other TwiML ends the call', () => {
  const r = new TwilioCallRegistry();
  const [a, b, c] = [1, 2, 3].map((n) => r.register(call(n)).sid);
  r.update(a!, {
    Twiml:
      '<Response><Dial><Queue>arrears</Queue><Parameter name="reason" value="vulnerable"/></Dial></Response>',
  });
  r.update(b!, { Url: 'https://bot.example/transfer?reason=caller_requested' });
  r.update(c!, { Twiml: '<Response><Say>Goodbye</Say></Response>' });
  expect(r.eventsAfter(0).events.map((e) => [e.kind, e.via, e.reason, e.queue])).toEqual([
    ['transfer', 'twiml', 'vulnerable', 'arrears'],
    ['transfer', 'url', 'caller_requested', null],
    ['hang-up', 'twiml', null, null],
  ]);
  expect(r.get(a!)).toMatchObject({ status: 'in-progress', transferred: true });
});

test('bad updates are refused with Twilio-style codes; an unknown call is a 404', () => {
  const r = new TwilioCallRegistry();
  const sid = r.register(call(1)).sid;
  expect(r.update(sid, {})).toMatchObject({ refused: { status: 400, code: 20001 } });
  expect(r.update(sid, { Status: 'paused' })).toMatchObject({ refused: { status: 400, code: 20001 } });
  expect(r.update('CA404', { Status: 'completed' })).toMatchObject({ refused: { status: 404, code: 20404 } });
});

test('a follower long-polls: it is woken by the next event, or answered empty when the wait is over', async () => {
  const r = new TwilioCallRegistry();
  const sid = r.register(call(1)).sid;
  const waiting = r.waitForEvents(0, 5_000);
  r.update(sid, { Status: 'completed' });
  expect((await waiting).events).toHaveLength(1);
  expect(await r.waitForEvents(1, 10)).toEqual({ events: [], next: 1, missed: false });
});

test('the event log is bounded: a follower that fell behind is told it missed events', () => {
  const r = new TwilioCallRegistry({ eventCapacity: 2 });
  for (let n = 1; n <= 4; n++) r.update(r.register(call(n)).sid, { Status: 'completed' });
  const page = r.eventsAfter(0);
  expect(page.missed).toBe(true);
  expect(page.events.map((e) => e.seq)).toEqual([3, 4]);
  expect(r.eventsAfter(4)).toEqual({ events: [], next: 4, missed: false });
});
