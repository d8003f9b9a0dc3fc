import { setupServer } from 'msw/node';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { crmHandlers } from '../../mocks/crm-handlers.ts';
import { type SimulatorHost, startSimulatorHost } from '../../mocks/simulator-host.ts';
import { accountAt } from '../../simulators/dependencies/account-dataset.ts';
import { CrmService } from '../../simulators/dependencies/crm-service.ts';
import { FaultSet } from '../../simulators/dependencies/faults/fault-set.ts';

// The same handlers, twice: in-process under setupServer (fetch to http://crm.test is intercepted)
// and behind the fastify host (fetch to 127.0.0.1 passes through).
const server = setupServer(
  ...crmHandlers({ service: new CrmService(), baseUrl: 'http://crm.test', seed: 1 }),
);
let host: SimulatorHost;

beforeAll(async () => {
  server.listen({ onUnhandledRequest: 'bypass' });
  const faults = new FaultSet({ kind: 'crm' });
  host = await startSimulatorHost({
    name: 'crm',
    kind: 'crm',
    handlers: crmHandlers({ service: new CrmService(), faults, seed: 1 }),
    faults,
  });
});

afterAll(async () => {
  server.close();
  await host.close();
});

const account = accountAt(777);
const requests: [string, RequestInit?][] = [
  [`/v1/accounts/${account.accountId}`],
  [`/v1/accounts?phone=${account.phone}`],
  [`/v1/accounts/${account.accountId}/appointments`],
  ['/v1/accounts/40000001'],
  [
    `/v1/accounts/${account.accountId}/appointments`,
    {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'idempotency-key': 'k' },
      body: JSON.stringify({ service: 'blood test', date: '2026-03-02', time: '09:15' }),
    },
  ],
  [
    `/v1/accounts/${account.accountId}/appointments`,
    {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'idempotency-key': 'k' },
      body: JSON.stringify({ service: 'blood test', date: '2026-03-02', time: '09:15' }),
    },
  ],
  [
    `/v1/accounts/${account.accountId}/claims`,
    { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"claimType":' },
  ],
];

async function snapshot(res: Response) {
  return {
    status: res.status,
    contentType: res.headers.get('content-type'),
    replayed: res.headers.get('idempotent-replayed'),
    body: await res.text(),
  };
}

test('the same CRM request gets an identical response in-process and over HTTP', async () => {
  for (const [path, init] of requests) {
    const inProcess = await snapshot(await fetch(`http://crm.test${path}`, init));
    const overHttp = await snapshot(await fetch(`${host.url}${path}`, init));
    expect(overHttp).toEqual(inProcess);
  }
  // And the answers are the real ones, not two identical errors.
  const first = await fetch(`http://crm.test${requests[0]![0]}`);
  expect(first.status).toBe(200);
});
