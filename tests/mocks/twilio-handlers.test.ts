import { request } from 'undici';
import { afterEach, expect, test } from 'vitest';
import { type SimulatorHost, startSimulatorHost } from '../../mocks/simulator-host.ts';
import { twilioControl } from '../../mocks/twilio-control.ts';
import { createTwilioHandlers } from '../../mocks/twilio-handlers.ts';
import { FaultSet } from '../../simulators/dependencies/faults/fault-set.ts';
import { TwilioCallRegistry } from '../../simulators/dependencies/twilio-call-registry.ts';

const hosts: SimulatorHost[] = [];
afterEach(async () => {
  await Promise.all(hosts.splice(0).map((h) => h.close()));
});

const ACCOUNT = `AC${'2'.repeat(32)}`;
const CALL = `CA${'3'.repeat(32)}`;
const basic = `Basic ${Buffer.from(`${ACCOUNT}:whatever`).toString('base64')}`;

async function twilio() {
  const calls = new TwilioCallRegistry();
  const faults = new FaultSet({ kind: 'twilio' });
  const host = await startSimulatorHost({
    name: 'twilio',
    kind: 'twilio',
    handlers: createTwilioHandlers({ calls, faults }),
    faults,
    control: twilioControl(calls),
  });
  hosts.push(host);
  const control = async (path: string, body: unknown) => {
    const res = await request(`${host.controlUrl}/${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    return { status: res.statusCode, body: (await res.body.json()) as Record<string, unknown> };
  };
  const resource = `${host.url}/2010-04-01/Accounts/${ACCOUNT}/Calls/${CALL}.json`;
  return { host, calls, faults, control, resource };
}

test('a registered call answers GET in Twilio’s JSON shape; the bot hangs it up with a form POST, and the follower sees it', async () => {
  const t = await twilio();
  const registered = await t.control('twilio/calls', {
    callSid: CALL,
    accountSid: ACCOUNT,
    streamSid: `MZ${'4'.repeat(32)}`,
    from: '+447700900123',
    to: '+441632960000',
    callId: 'cs-1-7',
  });
  expect(registered.status).toBe(200);
  const got = await request(t.resource, { headers: { authorization: basic } });
  expect(got.statusCode).toBe(200);
  expect(await got.body.json()).toMatchObject({
    sid: CALL,
    account_sid: ACCOUNT,
    from: '+447700900123',
    to: '+441632960000',
    status: 'in-progress',
    direction: 'inbound',
    api_version: '2010-04-01',
  });
  const waiting = t.control('twilio/events', { after: 0, waitMs: 5_000 });
  const posted = await request(t.resource, {
    method: 'POST',
    headers: { authorization: basic, 'content-type': 'application/x-www-form-urlencoded' },
    body: 'Status=completed',
  });
  expect(posted.statusCode).toBe(200);
  expect(await posted.body.json()).toMatchObject({ status: 'completed' });
  expect((await waiting).body).toMatchObject({
    events: [{ callSid: CALL, callId: 'cs-1-7', kind: 'hang-up' }],
  });
  const view = await request(`${t.host.controlUrl}/twilio`);
  expect(await view.body.json()).toMatchObject({ registered: 1, hangUps: 1 });
});

test('no Authorization is a 401 with code 20003, as Twilio answers; an unknown call is a 404 with code 20404', async () => {
  const t = await twilio();
  const anonymous = await request(t.resource);
  expect(anonymous.statusCode).toBe(401);
  expect(anonymous.headers['www-authenticate']).toContain('Basic');
  expect(await anonymous.body.json()).toMatchObject({ code: 20003, status: 401 });
  const unknown = await request(t.resource, { headers: { authorization: basic } });
  expect(unknown.statusCode).toBe(404);
  expect(await unknown.body.json()).toMatchObject({ code: 20404, status: 404 });
  const other = await request(`${t.host.url}/2010-04-01/Accounts/${ACCOUNT}/Recordings.json`, {
    headers: { authorization: basic },
  });
  expect(other.statusCode).toBe(404);
});

test('the fault gate applies: an http-error fault answers in Twilio’s error shape', async () => {
  const t = await twilio();
  await t.control('twilio/calls', { callSid: CALL, accountSid: ACCOUNT, from: '+44', to: '+44' });
  t.faults.set({ id: 'down', type: 'http-error', params: { status: 503, rate: 1 } });
  const res = await request(t.resource, { headers: { authorization: basic } });
  expect(res.statusCode).toBe(503);
  expect(await res.body.json()).toMatchObject({ code: 20503, status: 503 });
});

test('control bodies are checked: a registration without a CallSid is a 400 naming the field', async () => {
  const t = await twilio();
  const bad = await t.control('twilio/calls', { accountSid: ACCOUNT, from: '+44', to: '+44' });
  expect(bad.status).toBe(400);
  expect(JSON.stringify(bad.body)).toContain('callSid');
  const unknown = await t.control('twilio/calls/get', { callSid: CALL });
  expect(unknown.status).toBe(404);
});
