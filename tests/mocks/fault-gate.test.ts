import { expect, test } from 'vitest';
import { faultGate } from '../../mocks/fault-gate.ts';
import type { FaultSource } from '../../mocks/fault-source.ts';
import { type FaultEffects, noEffects } from '../../simulators/dependencies/faults/fault-effects.ts';
import { FaultSet } from '../../simulators/dependencies/faults/fault-set.ts';

const context = { simulator: 'tts', endpoint: 'tts', method: 'POST', path: '/v1/speak' } as const;
const errorBody = (status: number, message: string) => ({ err_code: `E${status}`, err_msg: message });
const source = (effects: Partial<FaultEffects>): FaultSource => ({
  effectsFor: () => ({ ...noEffects(), ...effects }),
});
const gate = (faults: FaultSource, extra: Partial<Parameters<typeof faultGate>[0]> = {}) =>
  faultGate({ faults, context, rngKey: ['k', 1], signal: new AbortController().signal, errorBody, ...extra });

test('no active fault: the handler carries on with the effects and a generator seeded by its key', async () => {
  const faults = new FaultSet({ kind: 'tts' });
  const a = await gate(faults);
  const b = await gate(faults);
  if (a.response || b.response) throw new Error('expected no fault answer');
  expect(a.effects.addedLatencyMs).toBe(0);
  expect([a.rng(), a.rng()]).toEqual([b.rng(), b.rng()]);
});

test("an injected error is answered in the simulator's shape, with Retry-After and its own headers", async () => {
  const result = await gate(source({ reject: { status: 429, retryAfterSeconds: 2, message: 'slow down' } }), {
    headers: { 'x-callstorm-region': 'eu' },
  });
  expect(result.response?.status).toBe(429);
  expect(result.response?.headers.get('retry-after')).toBe('2');
  expect(result.response?.headers.get('x-callstorm-region')).toBe('eu');
  expect(await result.response?.json()).toEqual({ err_code: 'E429', err_msg: 'slow down' });
});

test('refuse is a network error; a hang without a way to clear it ends as one when the client goes away', async () => {
  expect((await gate(source({ network: 'refuse' }))).response?.type).toBe('error');
  const client = new AbortController();
  const hung = gate(source({ network: 'hang' }), { signal: client.signal });
  client.abort();
  expect((await hung).response?.type).toBe('error');
});

test('a hang lasts until its fault is cleared, then the request carries on', async () => {
  const faults = new FaultSet({ kind: 'tts' });
  faults.set({ id: 'down', type: 'network-outage', params: { mode: 'hang' } });
  const hung = gate(faults);
  let settled = false;
  void hung.then(() => {
    settled = true;
  });
  await new Promise((r) => setTimeout(r, 20));
  expect(settled).toBe(false);
  faults.clear('down');
  expect((await hung).response).toBeUndefined();
});

test("added latency is waited out first, or left to the handler's own service time", async () => {
  const slow = source({ addedLatencyMs: 60_000 });
  const client = new AbortController();
  const waiting = gate(slow, { signal: client.signal });
  let settled = false;
  void waiting.then(() => {
    settled = true;
  });
  await new Promise((r) => setTimeout(r, 20));
  expect(settled).toBe(false);
  client.abort();
  await waiting;
  const left = await gate(slow, { addedLatency: 'handler' });
  expect(left.response).toBeUndefined();
  expect(left.response === undefined && left.effects.addedLatencyMs).toBe(60_000);
});
