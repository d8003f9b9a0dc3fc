import { afterEach, expect, test } from 'vitest';
import { crmControl, crmHandlers } from '../../mocks/crm-handlers.ts';
import { buildSimulatorHost } from '../../mocks/simulator-host.ts';
import { createCallGenerator } from '../../simulators/callers/call-generator.ts';
import { CrmService } from '../../simulators/dependencies/crm-service.ts';
import { FaultSet } from '../../simulators/dependencies/faults/fault-set.ts';
import { GroundTruth } from '../../simulators/dependencies/ground-truth.ts';
import { loadScenario } from '../../src/scenario/load-scenario.ts';

const generator = createCallGenerator(loadScenario({ vertical: 'claims', stage: 'hardening' }), {
  seed: 5,
  window: 'peak-hour',
});
const plans = [...generator.plans()].slice(0, 10);
const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(closers.splice(0).map((c) => c()));
});

function crm() {
  const service = new CrmService();
  const groundTruth = new GroundTruth();
  groundTruth.register(plans);
  const faults = new FaultSet({ kind: 'crm' });
  const built = buildSimulatorHost({
    name: 'crm',
    kind: 'crm',
    handlers: crmHandlers({ service, faults }),
    faults,
    control: crmControl(service, groundTruth),
  });
  closers.push(built.close);
  return built.app;
}

test('the ledger reconcile endpoints answer loopback clients only', async () => {
  const app = crm();
  for (const [url, payload] of [
    ['/__callstorm/ledger/reconcile-call', { callId: plans[0]!.id }],
    ['/__callstorm/ledger/reconcile', { callIds: [plans[0]!.id] }],
  ] as const) {
    const refused = await app.inject({ method: 'POST', url, payload, remoteAddress: '192.168.1.20' });
    expect(refused.statusCode).toBe(403);
    expect(refused.json().error.code).toBe('CS_ERR_CONTROL_FORBIDDEN');
    const served = await app.inject({ method: 'POST', url, payload, remoteAddress: '127.0.0.1' });
    expect(served.statusCode).toBe(200);
  }
});

test('reconcile-call answers the call id with its totals; reconcile answers what ledger.json keeps', async () => {
  const app = crm();
  const plan = plans.find((p) => p.expectedWrites.length > 0)!;
  const one = await app.inject({
    method: 'POST',
    url: '/__callstorm/ledger/reconcile-call',
    payload: { callId: plan.id },
    remoteAddress: '127.0.0.1',
  });
  expect(one.json()).toEqual({
    callId: plan.id,
    expected: plan.expectedWrites.length,
    landed: 0,
    lost: plan.expectedWrites.length,
    duplicate: 0,
    unexpected: 0,
    attribution: { header: 0, lifetime: 0, ambiguous: 0 },
  });
  const all = await app.inject({
    method: 'POST',
    url: '/__callstorm/ledger/reconcile',
    payload: { callIds: plans.map((p) => p.id) },
    remoteAddress: '::1',
  });
  const expected = plans.reduce((n, p) => n + p.expectedWrites.length, 0);
  expect(all.json()).toEqual({
    totals: { expected, landed: 0, lost: expected, duplicate: 0, unexpected: 0 },
    ledgerSize: 0,
    attribution: { header: 0, lifetime: 0, noLiveCall: 0, ambiguous: 0 },
    lost: plans.flatMap((p) => p.expectedWrites.map((w) => ({ callId: p.id, op: w.op, args: w.args }))),
    duplicate: [],
    unexpected: [],
    unattributed: [],
  });
});

test('an unknown call id is a 404 that names it; a malformed body is a 400 that shows the shape', async () => {
  const app = crm();
  const unknown = await app.inject({
    method: 'POST',
    url: '/__callstorm/ledger/reconcile',
    payload: { callIds: [plans[0]!.id, 'cs-5-123456'] },
    remoteAddress: '127.0.0.1',
  });
  expect(unknown.statusCode).toBe(404);
  expect(unknown.json().error).toMatchObject({ code: 'CS_ERR_UNKNOWN_CALL' });
  expect(unknown.json().error.message).toContain('"cs-5-123456"');
  const malformed = await app.inject({
    method: 'POST',
    url: '/__callstorm/ledger/reconcile-call',
    payload: { callId: 42 },
    remoteAddress: '127.0.0.1',
  });
  expect(malformed.statusCode).toBe(400);
  expect(malformed.json().error.code).toBe('CS_ERR_BAD_ARGUMENT');
  expect(malformed.json().error.hint).toContain('{"callId": "cs-<seed>-<index>"}');
});

test('without a way to find plans the CRM offers the ledger view but no reconcile endpoints', async () => {
  const service = new CrmService();
  const faults = new FaultSet({ kind: 'crm' });
  const built = buildSimulatorHost({
    name: 'crm',
    kind: 'crm',
    handlers: crmHandlers({ service, faults }),
    faults,
    control: crmControl(service),
  });
  closers.push(built.close);
  const res = await built.app.inject({
    method: 'POST',
    url: '/__callstorm/ledger/reconcile',
    payload: { callIds: [] },
    remoteAddress: '127.0.0.1',
  });
  expect(res.statusCode).toBe(404);
  expect((await built.app.inject({ method: 'GET', url: '/__callstorm/ledger' })).json()).toEqual({
    size: 0,
    entries: [],
  });
});
