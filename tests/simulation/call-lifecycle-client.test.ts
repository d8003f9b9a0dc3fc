import { afterEach, expect, test } from 'vitest';
import { callsControl } from '../../mocks/calls-control.ts';
import { type SimulatorHost, startSimulatorHost } from '../../mocks/simulator-host.ts';
import { CallLifecycle } from '../../simulators/dependencies/call-lifecycle.ts';
import { FaultSet } from '../../simulators/dependencies/faults/fault-set.ts';
import { createCallLifecycleClient } from '../../src/simulation/call-lifecycle-client.ts';

const hosts: SimulatorHost[] = [];
afterEach(async () => {
  await Promise.all(hosts.splice(0).map((h) => h.close()));
});

/** A CRM host serving the calls endpoints, recording every lifecycle request it is sent. */
async function host() {
  const lifecycle = new CallLifecycle();
  const requests: { path: string; calls: number }[] = [];
  const control = callsControl({ lifecycle });
  const actions = Object.fromEntries(
    Object.entries(control.actions ?? {}).map(([name, action]) => [
      name,
      {
        ...action,
        run(body: unknown) {
          requests.push({ path: name, calls: (body as { calls?: unknown[] }).calls?.length ?? 1 });
          return action.run(body);
        },
      },
    ]),
  );
  const h = await startSimulatorHost({
    name: 'crm',
    kind: 'crm',
    handlers: [],
    faults: new FaultSet({ kind: 'crm' }),
    control: { actions },
  });
  hosts.push(h);
  return { h, lifecycle, requests };
}

test('starts and ends queue without waiting, go in order in batches, and flush waits for them', async () => {
  const { h, lifecycle, requests } = await host();
  const client = createCallLifecycleClient(h.controlUrl);
  const t0 = Date.now();
  for (let i = 0; i < 250; i++)
    client.started({ callId: `cs-1-${i}`, from: '07100000000', accountId: '40000000', at: t0 + i });
  for (let i = 0; i < 100; i++) client.ended({ callId: `cs-1-${i}`, at: t0 + 1000 + i });
  // Nothing has been sent yet: the calls were never made to wait.
  expect(lifecycle.size).toBe(0);
  await client.flush();
  expect(lifecycle.size).toBe(250);
  expect(lifecycle.get('cs-1-0')).toMatchObject({ startedAt: t0, endedAt: t0 + 1000 });
  expect(lifecycle.get('cs-1-200')!.endedAt).toBeNull();
  // One tick's events: one request per kind, in the order they were queued.
  expect(requests).toEqual([
    { path: 'calls/started', calls: 250 },
    { path: 'calls/ended', calls: 100 },
  ]);
  // Events queued while a request is in flight go in the next one; flush covers them too.
  client.started({ callId: 'cs-1-900', at: t0 + 5 });
  const pending = client.flush();
  client.ended({ callId: 'cs-1-900', at: t0 + 6 });
  await pending;
  await client.flush();
  expect(lifecycle.get('cs-1-900')!.endedAt).toBe(t0 + 6);
  expect(client.failures).toBe(0);
  await client.close();
});

test('a full queue drops and counts; a refused request counts its events as failures; flush never rejects', async () => {
  const { h } = await host();
  const small = createCallLifecycleClient(h.controlUrl, { maxQueued: 3 });
  for (let i = 0; i < 5; i++) small.started({ callId: `cs-1-${i}`, at: Date.now() });
  expect(small.dropped).toBe(2);
  await small.flush();
  await small.close();

  // A body the suite refuses (an id too long for its schema) is a failure, not a throw.
  const refused = createCallLifecycleClient(h.controlUrl);
  refused.started({ callId: 'x'.repeat(300), at: Date.now() });
  await refused.flush();
  expect(refused.failures).toBe(1);
  await refused.close();

  // Nobody listening at all.
  const gone = createCallLifecycleClient('http://127.0.0.1:9/__callstorm', { timeoutMs: 500 });
  gone.ended({ callId: 'cs-1-0', at: Date.now() });
  await gone.flush();
  expect(gone.failures).toBe(1);
  await gone.close();
  // After close, events are dropped, not sent.
  gone.started({ callId: 'cs-1-1', at: Date.now() });
  expect(gone.dropped).toBe(1);
});
