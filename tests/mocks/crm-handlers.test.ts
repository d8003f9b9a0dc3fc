import { getResponse } from 'msw';
import { afterEach, describe, expect, test } from 'vitest';
import { crmControl, crmHandlers } from '../../mocks/crm-handlers.ts';
import type { CountersSnapshot } from '../../mocks/simulator-counters.ts';
import { type SimulatorHost, startSimulatorHost } from '../../mocks/simulator-host.ts';
import { accountAt } from '../../simulators/dependencies/account-dataset.ts';
import { CrmService } from '../../simulators/dependencies/crm-service.ts';
import { FaultSet } from '../../simulators/dependencies/faults/fault-set.ts';
import { LoadLatency } from '../../simulators/dependencies/load-latency.ts';
import type { LedgerEntry } from '../../simulators/dependencies/write-ledger.ts';

interface Crm {
  host: SimulatorHost;
  service: CrmService;
  faults: FaultSet;
}

const running: SimulatorHost[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((h) => h.close()));
});

async function startCrm(latency?: LoadLatency): Promise<Crm> {
  const service = new CrmService();
  const faults = new FaultSet({ kind: 'crm' });
  const host = await startSimulatorHost({
    name: 'crm',
    kind: 'crm',
    handlers: crmHandlers({ service, faults, seed: 'crm-test', ...(latency ? { latency } : {}) }),
    faults,
    control: crmControl(service),
  });
  running.push(host);
  return { host, service, faults };
}

async function read<T>(res: Response | Promise<Response>): Promise<T> {
  return (await (await res).json()) as T;
}

interface ErrorJson {
  error: { code: string; message: string; param?: string };
}

const account = accountAt(42);
const promisePath = `/v1/accounts/${account.accountId}/promises-to-pay`;
const promise = { amount: '75.00', date: '2026-02-14' };

function post(
  url: string,
  body: unknown,
  headers: Record<string, string> = {},
  signal?: AbortSignal,
): Promise<Response> {
  return fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
    ...(signal ? { signal } : {}),
  });
}

function putFault(crm: Crm, spec: unknown): Promise<Response> {
  return fetch(`${crm.host.controlUrl}/faults`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(spec),
  });
}

describe('CRM REST API', () => {
  test('reads accounts by id and by phone; unknown accounts are 404', async () => {
    const { host } = await startCrm();
    const byId = await fetch(`${host.url}/v1/accounts/${account.accountId}`);
    expect(byId.status).toBe(200);
    const body = await read<{ name: string }>(byId);
    expect(body.name).toBe(account.name);
    expect(await read(fetch(`${host.url}/v1/accounts?phone=${encodeURIComponent(account.phone)}`))).toEqual(
      body,
    );
    const missing = await fetch(`${host.url}/v1/accounts/40000001`);
    expect(missing.status).toBe(404);
    expect((await read<ErrorJson>(missing)).error.code).toBe('account_not_found');
    expect((await fetch(`${host.url}/v1/accounts/${account.accountId}/balance`)).status).toBe(200);
    expect((await fetch(`${host.url}/v1/nowhere`)).status).toBe(404);
  });

  test('bad write bodies are 400 with a JSON error naming the problem', async () => {
    const { host, service } = await startCrm();
    const notJson = await post(`${host.url}${promisePath}`, '{amount: 5');
    expect(notJson.status).toBe(400);
    expect((await read<ErrorJson>(notJson)).error.code).toBe('invalid_json');
    const badDate = await read<ErrorJson>(
      post(`${host.url}${promisePath}`, { ...promise, date: '14/02/2026' }),
    );
    expect(badDate.error).toMatchObject({ code: 'invalid_field', param: 'date' });
    expect(service.ledger.size).toBe(0);
  });

  test('Idempotency-Key: a retry replays the original answer and writes once; another body is 422', async () => {
    const crm = await startCrm();
    const url = `${crm.host.url}${promisePath}`;
    const headers = { 'idempotency-key': 'call-7-ptp', 'x-callstorm-call': 'call-7' };
    const first = await post(url, promise, headers);
    expect(first.status).toBe(201);
    const firstBody = await read<{ id: string }>(first);
    const retry = await post(url, promise, headers);
    expect(retry.status).toBe(201);
    expect(retry.headers.get('idempotent-replayed')).toBe('true');
    expect(await read(retry)).toEqual(firstBody);
    const conflict = await post(url, { ...promise, amount: '80.00' }, headers);
    expect(conflict.status).toBe(422);
    expect((await read<ErrorJson>(conflict)).error.code).toBe('idempotency_key_reused');

    const ledger = await read<{ size: number; entries: LedgerEntry[] }>(
      fetch(`${crm.host.controlUrl}/ledger`),
    );
    expect(ledger.size).toBe(1);
    expect(ledger.entries[0]).toMatchObject({
      writeId: firstBody.id,
      callId: 'call-7',
      idempotencyKey: 'call-7-ptp',
    });
    expect((await fetch(`${crm.host.controlUrl}/ledger`, { method: 'DELETE' })).status).toBe(204);
    expect(crm.service.ledger.size).toBe(0);
  });

  test('rate-limit fault: 429 with Retry-After once the burst is spent, normal service after clear', async () => {
    const crm = await startCrm();
    expect(
      (await putFault(crm, { id: 'throttle', type: 'rate-limit', params: { rps: 0.2, burst: 2 } })).status,
    ).toBe(200);
    const url = `${crm.host.url}/v1/accounts/${account.accountId}`;
    const statuses: number[] = [];
    let limited: Response | undefined;
    for (let i = 0; i < 4; i++) {
      const res = await fetch(url);
      statuses.push(res.status);
      if (res.status === 429) limited = res;
    }
    expect(statuses).toEqual([200, 200, 429, 429]);
    // One token per 5 s.
    expect(Number(limited!.headers.get('retry-after'))).toBeGreaterThanOrEqual(4);
    expect(Number(limited!.headers.get('retry-after'))).toBeLessThanOrEqual(5);
    expect((await read<ErrorJson>(limited!)).error.code).toBe('rate_limited');
    const counters = await read<CountersSnapshot & { faults: { id: string; touched: number }[] }>(
      fetch(`${crm.host.controlUrl}/counters`),
    );
    expect(counters.requests.byRoute['GET /v1/accounts/:accountId']).toEqual({
      total: 4,
      byStatus: { '200': 2, '429': 2 },
    });
    expect(counters.faults).toEqual([{ id: 'throttle', type: 'rate-limit', touched: 4 }]);

    expect((await fetch(`${crm.host.controlUrl}/faults/throttle`, { method: 'DELETE' })).status).toBe(204);
    for (let i = 0; i < 5; i++) expect((await fetch(url)).status).toBe(200);
  });

  test('an http-error fault targeted at writes leaves reads alone and writes nothing', async () => {
    const crm = await startCrm();
    await putFault(crm, { type: 'http-error', target: { pathPrefix: promisePath }, params: { status: 503 } });
    expect((await fetch(`${crm.host.url}/v1/accounts/${account.accountId}`)).status).toBe(200);
    expect((await post(`${crm.host.url}${promisePath}`, promise)).status).toBe(503);
    expect(crm.service.ledger.size).toBe(0);
  });

  test('network-outage refuse: the connection is reset', async () => {
    const crm = await startCrm();
    await putFault(crm, { type: 'network-outage', params: { mode: 'refuse' } });
    await expect(fetch(`${crm.host.url}/v1/accounts/${account.accountId}`)).rejects.toThrow(TypeError);
  });

  test('network-outage hang: no answer until the fault is cleared, then the request completes', async () => {
    const crm = await startCrm();
    await putFault(crm, { id: 'blackhole', type: 'network-outage', params: { mode: 'hang' } });
    let settled = false;
    const pending = fetch(`${crm.host.url}/v1/accounts/${account.accountId}`).then((res) => {
      settled = true;
      return res;
    });
    await new Promise((r) => setTimeout(r, 150));
    expect(settled).toBe(false);
    await fetch(`${crm.host.controlUrl}/faults/blackhole`, { method: 'DELETE' });
    expect((await pending).status).toBe(200);
  });

  test('a client that times out during a slow response leaves its write landed (the retry hazard)', async () => {
    const crm = await startCrm();
    await putFault(crm, { type: 'latency', params: { ms: 2000 } });
    await expect(
      post(`${crm.host.url}${promisePath}`, promise, {}, AbortSignal.timeout(100)),
    ).rejects.toThrow();
    expect(crm.service.ledger.size).toBe(1);
  });

  test('service time grows with the number of requests in flight', async () => {
    const crm = await startCrm(new LoadLatency({ medianMs: 10, p90Ms: 20, capacity: 3 }));
    const url = `${crm.host.url}/v1/accounts/${account.accountId}`;
    const duration = (res: Response) =>
      Number(/dur=([\d.]+)/.exec(res.headers.get('server-timing') ?? '')![1]);
    const alone: number[] = [];
    for (let i = 0; i < 12; i++) alone.push(duration(await fetch(url)));
    const together = (await Promise.all(Array.from({ length: 24 }, () => fetch(url)))).map(duration);
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    expect(mean(together)).toBeGreaterThan(2 * mean(alone));
  });
});

test('fault draws follow the request and its attempt, not the order requests arrive in', async () => {
  const statuses = async (order: string[]) => {
    const faults = new FaultSet({ kind: 'crm' });
    faults.set({ type: 'http-error', params: { rate: 0.5, status: 503 } });
    const handlers = crmHandlers({ service: new CrmService(), faults, seed: 9 });
    const out: Record<string, number> = {};
    for (const call of order) {
      const res = await getResponse(
        handlers,
        new Request('http://crm.test/v1/accounts/40001554', { headers: { 'x-callstorm-call': call } }),
      );
      out[call] = res!.status;
    }
    return out;
  };
  const calls = Array.from({ length: 12 }, (_, i) => `cs-1-${i}`);
  const forward = await statuses(calls);
  expect(await statuses([...calls].reverse())).toEqual(forward);
  expect(new Set(Object.values(forward))).toEqual(new Set([200, 503]));
});
