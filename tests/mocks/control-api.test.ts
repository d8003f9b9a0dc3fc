import { afterEach, expect, test } from 'vitest';
import { crmControl, crmHandlers } from '../../mocks/crm-handlers.ts';
import { buildSimulatorHost } from '../../mocks/simulator-host.ts';
import { CrmService } from '../../simulators/dependencies/crm-service.ts';
import { FaultSet } from '../../simulators/dependencies/faults/fault-set.ts';
import { GroundTruth } from '../../simulators/dependencies/ground-truth.ts';
import { fixturePlan } from '../fixtures/call-plans.ts';

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(closers.splice(0).map((c) => c()));
});

function crm() {
  const service = new CrmService();
  const faults = new FaultSet({ kind: 'crm' });
  const groundTruth = new GroundTruth();
  groundTruth.register([fixturePlan({ seed: 7, index: 0 })]);
  const built = buildSimulatorHost({
    name: 'crm',
    kind: 'crm',
    handlers: crmHandlers({ service, faults }),
    faults,
    control: crmControl(service, groundTruth),
  });
  closers.push(built.close);
  const send = (method: 'PUT' | 'POST', url: string, payload: string, contentType = 'application/json') =>
    built.app.inject({
      method,
      url: `/__callstorm/${url}`,
      payload,
      headers: { 'content-type': contentType },
      remoteAddress: '127.0.0.1',
    });
  return { send, faults };
}

interface ErrorJson {
  error: { code: string; message: string; hint: string };
}

test('a fault body that is not a JSON object is a 400 CS_ERR_FAULT_INVALID from the schema', async () => {
  const { send, faults } = crm();
  for (const [payload, says] of [
    ['[1, 2]', 'must be object'],
    ['"latency"', 'must be object'],
    ['null', 'must be object'],
    ['{"type": ', 'JSON'],
  ] as const) {
    for (const url of ['faults', 'faults/f1']) {
      const res = await send('PUT', url, payload);
      expect(res.statusCode, `${url} ${payload}`).toBe(400);
      const { error } = res.json() as ErrorJson;
      expect(error.code, payload).toBe('CS_ERR_FAULT_INVALID');
      expect(error.message, payload).toContain(says);
      expect(error.hint).toContain('docs/faults.md');
    }
  }
  expect(faults.list()).toEqual([]);
});

test('an action body of the wrong shape is a 400 CS_ERR_BAD_ARGUMENT naming the field, with the shape as hint', async () => {
  const { send } = crm();
  const cases = [
    ['ledger/reconcile-call', '{"callId": 42}', 'callId: must be string'],
    ['ledger/reconcile-call', '{"callId": ""}', 'callId: must NOT have fewer than 1 characters'],
    ['ledger/reconcile-call', '{}', 'callId: required'],
    ['ledger/reconcile-call', '{"callId": "cs-7-0", "extra": 1}', 'extra: unknown field'],
    ['ledger/reconcile', '{"callIds": "cs-7-0"}', 'callIds: must be array'],
    ['ledger/reconcile', '{"callIds": [1]}', 'callIds.0: must be string'],
    ['ledger/reconcile', '{"ids": []}', 'callIds: required'],
    ['ledger/reconcile', '[]', '(body): must be object'],
  ] as const;
  for (const [url, payload, says] of cases) {
    const res = await send('POST', url, payload);
    expect(res.statusCode, payload).toBe(400);
    const { error } = res.json() as ErrorJson;
    expect(error.code, payload).toBe('CS_ERR_BAD_ARGUMENT');
    expect(error.message, payload).toContain(says);
    expect(error.hint, payload).toContain(
      url.endsWith('call') ? '{"callId": "cs-<seed>-<index>"}' : '"callIds"',
    );
  }
  const ok = await send('POST', 'ledger/reconcile-call', '{"callId": "cs-7-0"}');
  expect(ok.statusCode).toBe(200);
  expect(ok.json()).toMatchObject({ callId: 'cs-7-0', landed: 0 });
});

test('what fastify refuses before any schema is answered in the catalogue shape too', async () => {
  const { send } = crm();
  const notJson = await send('POST', 'ledger/reconcile', '{"callIds": [');
  expect(notJson.statusCode).toBe(400);
  expect((notJson.json() as ErrorJson).error).toMatchObject({ code: 'CS_ERR_BAD_ARGUMENT' });
  const text = await send('POST', 'ledger/reconcile', '<callIds/>', 'application/xml');
  expect(text.statusCode).toBe(415);
  expect((text.json() as ErrorJson).error.code).toBe('CS_ERR_BAD_ARGUMENT');
  expect((text.json() as ErrorJson).error.hint).toContain('"callIds"');
});
