import { request as httpRequest } from 'node:http';
import { networkInterfaces } from 'node:os';
import { HttpResponse, http } from 'msw';
import { afterEach, describe, expect, test } from 'vitest';
import { crmControl, crmHandlers } from '../../mocks/crm-handlers.ts';
import { buildSimulatorHost, type SimulatorHost, startSimulatorHost } from '../../mocks/simulator-host.ts';
import { CrmService } from '../../simulators/dependencies/crm-service.ts';
import { FaultSet } from '../../simulators/dependencies/faults/fault-set.ts';
import { GroundTruth } from '../../simulators/dependencies/ground-truth.ts';
import { fixturePlan } from '../fixtures/call-plans.ts';

/** Every control route, by method and the path after the prefix. */
const ROUTES: readonly (readonly [method: string, rest: string, body?: unknown])[] = [
  ['GET', 'health'],
  ['GET', 'counters'],
  ['DELETE', 'counters'],
  ['GET', 'fault-types'],
  ['GET', 'faults'],
  ['PUT', 'faults', { id: 'planted', type: 'http-error' }],
  ['DELETE', 'faults'],
  ['PUT', 'faults/planted', { type: 'http-error' }],
  ['DELETE', 'faults/planted'],
  ['GET', 'ledger'],
  ['DELETE', 'ledger'],
  ['POST', 'ledger/reconcile-call', { callId: 'cs-7-0' }],
  ['POST', 'ledger/reconcile', { callIds: ['cs-7-0'] }],
  ['GET', 'no-such-endpoint'],
];

/** Ways to write `/__callstorm/<rest>` that a router, a proxy or a URL parser may read as it. */
const SPELLINGS: readonly ((rest: string) => string)[] = [
  (r) => `/__callstorm/${r}`,
  (r) => `/%5F%5Fcallstorm/${r}`,
  (r) => `/%5f%5fcallstorm/${r}`,
  (r) => `/_%5Fcallstorm/${r}`,
  (r) => `/%255F%255Fcallstorm/${r}`,
  (r) => `/__callstorm%2F${r}`,
  (r) => `/%2F__callstorm/${r}`,
  (r) => `/v1/../__callstorm/${r}`,
  (r) => `/v1/%2e%2e/__callstorm/${r}`,
  (r) => `/v1/%2E%2E/__callstorm/${r}`,
  (r) => `/./__callstorm/${r}`,
  (r) => `/__callstorm/./${r}`,
  (r) => `//__callstorm/${r}`,
  (r) => `/__callstorm//${r}`,
  (r) => `/__CALLSTORM/${r}`,
  (r) => `/%5F%5FCallStorm/${r}`,
  (r) => `/\\__callstorm/${r}`,
  (r) => `/__callstorm/${r}?x=1`,
  (r) => `http://simulator.example/__callstorm/${r}`,
];

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(closers.splice(0).map((c) => c()));
});

/** A CRM host with state worth protecting: a landed write and an active fault. */
function crmWithState() {
  const service = new CrmService();
  const faults = new FaultSet({ kind: 'crm' });
  const groundTruth = new GroundTruth();
  groundTruth.register([fixturePlan({ seed: 7, index: 0 })]);
  service.ledger.record({
    writeId: 'PTP-000001',
    op: 'record_promise_to_pay',
    accountId: '40000000',
    args: {},
  });
  faults.set({ id: 'kept', type: 'latency', params: { ms: 1 } });
  const options = {
    name: 'crm',
    kind: 'crm' as const,
    handlers: crmHandlers({ service, faults }),
    faults,
    control: crmControl(service, groundTruth),
  };
  return { service, faults, options };
}

function expectStateIntact(service: CrmService, faults: FaultSet): void {
  expect(service.ledger.size).toBe(1);
  expect(faults.list().map((f) => f.id)).toEqual(['kept']);
}

describe('from a non-loopback peer (fastify inject with a remote address)', () => {
  test('every control route, GET and DELETE included, in every spelling is refused with 403', async () => {
    const { service, faults, options } = crmWithState();
    const built = buildSimulatorHost(options);
    closers.push(built.close);
    const answered: string[] = [];
    // inject parses its URL first: a backslash turns `/\\__callstorm/x` into host `__callstorm`,
    // path `/x` before the host sees it (the real-socket test below sends it as written).
    for (const [method, rest, body] of ROUTES) {
      for (const spell of SPELLINGS.filter((s) => !s('x').includes('\\'))) {
        const url = spell(rest);
        const res = await built.app.inject({
          method: method as 'GET',
          url,
          remoteAddress: '10.0.0.5',
          ...(body === undefined ? {} : { payload: body as Record<string, unknown> }),
        });
        if (res.statusCode !== 403 || res.json().error?.code !== 'CS_ERR_CONTROL_FORBIDDEN')
          answered.push(`${method} ${url} → ${res.statusCode} ${res.body.slice(0, 80)}`);
      }
    }
    expect(answered).toEqual([]);
    expectStateIntact(service, faults);
  });

  test('the encoded spellings do reach the control API (so the check must see through them)', async () => {
    const { options } = crmWithState();
    const built = buildSimulatorHost(options);
    closers.push(built.close);
    for (const url of ['/%5F%5Fcallstorm/ledger', '/%5f%5fcallstorm/ledger', '/v1/../__callstorm/ledger']) {
      const res = await built.app.inject({ method: 'GET', url, remoteAddress: '127.0.0.1' });
      expect(res.statusCode, url).toBe(200);
      expect(res.json().size, url).toBe(1);
    }
  });

  test('the simulated API still answers any peer, at paths that only look like control paths too', async () => {
    const built = buildSimulatorHost({
      name: 'tts-test',
      kind: 'tts',
      handlers: [http.get('*/v1/__callstorm-ish', () => HttpResponse.json({ ok: true }))],
      faults: new FaultSet({ kind: 'tts' }),
    });
    closers.push(built.close);
    const res = await built.app.inject({
      method: 'GET',
      url: '/v1/__callstorm-ish',
      remoteAddress: '10.0.0.5',
    });
    expect(res.statusCode).toBe(200);
  });
});

/** A local address of this machine that is not loopback, if it has one. */
function nonLoopbackAddress(): string | undefined {
  for (const addresses of Object.values(networkInterfaces())) {
    for (const a of addresses ?? []) if (a.family === 'IPv4' && !a.internal) return a.address;
  }
  return undefined;
}

/** Sends the request target exactly as written (fetch would normalise it). */
function rawRequest(
  base: string,
  method: string,
  target: string,
  body?: unknown,
): Promise<{ status: number; text: string }> {
  const { hostname, port } = new URL(base);
  const payload = body === undefined ? undefined : JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      {
        host: hostname,
        port,
        method,
        path: target,
        headers: payload
          ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) }
          : {},
      },
      (res) => {
        let text = '';
        res.on('data', (d) => {
          text += String(d);
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}

const address = nonLoopbackAddress();

describe.skipIf(!address)('from a non-loopback peer over a real socket', () => {
  test('a host bound to a non-loopback address refuses every spelling of every control route', async () => {
    const { service, faults, options } = crmWithState();
    const host: SimulatorHost = await startSimulatorHost({ ...options, host: address! });
    closers.push(host.close);
    const answered: string[] = [];
    for (const [method, rest, body] of ROUTES) {
      for (const spell of SPELLINGS.filter((s) => !s('x').startsWith('http'))) {
        const target = spell(rest);
        const res = await rawRequest(host.url, method, target, body);
        if (res.status !== 403 || !res.text.includes('CS_ERR_CONTROL_FORBIDDEN'))
          answered.push(`${method} ${target} → ${res.status} ${res.text.slice(0, 80)}`);
      }
    }
    expect(answered).toEqual([]);
    expectStateIntact(service, faults);
    // The simulated API answers the same peer.
    expect((await rawRequest(host.url, 'GET', '/v1/accounts/40000000')).status).toBe(200);
  });
});
