import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createCallGenerator } from '../../simulators/callers/call-generator.ts';
import type { CallPlan } from '../../simulators/callers/call-plan.ts';
import { CallstormError } from '../../src/errors/callstorm-error.ts';
import { crmOperations } from '../../src/scenario/crm-operations.ts';
import { loadScenario } from '../../src/scenario/load-scenario.ts';
import { type SimulatorsProcess, startSimulatorsProcess } from '../../src/simulation/simulator-process.ts';
import { processAlive } from '../helpers/process-alive.ts';

const options = {
  vertical: 'collections',
  stage: 'scale',
  window: 'peak-hour',
  seed: 11,
  latency: 'zero',
} as const;

/** Lands one of the plan's expected writes on the CRM, naming its call (or not, as a real bot). */
async function landWrite(crmUrl: string, plan: CallPlan, named = true): Promise<void> {
  const write = plan.expectedWrites[0]!;
  const operation = crmOperations[write.op];
  const inPath = new Set<string>();
  const path = operation.path.split('?')[0]!.replace(/\{(\w+)\}/g, (_, name: string) => {
    inPath.add(name);
    return encodeURIComponent(write.args[name]!);
  });
  const body = Object.fromEntries(Object.entries(write.args).filter(([k]) => !inPath.has(k)));
  const res = await fetch(`${crmUrl}${path}`, {
    method: operation.method,
    headers: { 'content-type': 'application/json', ...(named ? { 'x-callstorm-call': plan.id } : {}) },
    body: JSON.stringify(body),
  });
  expect(res.status, await res.clone().text()).toBeLessThan(300);
}

describe('startSimulatorsProcess', () => {
  let sims: SimulatorsProcess;
  const generator = createCallGenerator(loadScenario(options), options);
  const plans = [...generator.plans()].slice(0, 40);
  const withWrites = plans.filter((p) => p.expectedWrites.length > 0);

  beforeAll(async () => {
    sims = await startSimulatorsProcess(options);
  });
  afterAll(async () => {
    await sims?.close();
  });

  test('starts every simulator in a child process, reachable on loopback', async () => {
    expect(sims.pid).not.toBe(process.pid);
    expect(processAlive(sims.pid)).toBe(true);
    expect(sims.endpoints.map((e) => e.name).sort()).toEqual([
      'asr',
      'crm',
      'llm-primary-eu',
      'llm-secondary-eu',
      'llm-us',
      'tts',
      'twilio',
    ]);
    expect(Object.values(sims.llm).map((e) => e.region)).toEqual(['eu', 'eu', 'us']);
    for (const e of sims.endpoints) {
      expect(e.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      const health = (await (await fetch(`${e.controlUrl}/health`)).json()) as { name: string; kind: string };
      expect(health).toMatchObject({ name: e.name, kind: e.kind });
    }
  });

  test("reconciles a call's writes by id, regenerating its plan in the child", async () => {
    expect(withWrites.length).toBeGreaterThan(1);
    const [landedPlan, lostPlan] = withWrites as [CallPlan, CallPlan];
    await landWrite(sims.crm.url, landedPlan);
    expect(await sims.reconcileCall(landedPlan)).toEqual({
      expected: landedPlan.expectedWrites.length,
      landed: 1,
      lost: landedPlan.expectedWrites.length - 1,
      duplicate: 0,
      unexpected: 0,
      attribution: { header: 1, lifetime: 0, ambiguous: 0 },
    });
    expect(await sims.reconcileCall(lostPlan)).toEqual({
      expected: lostPlan.expectedWrites.length,
      landed: 0,
      lost: lostPlan.expectedWrites.length,
      duplicate: 0,
      unexpected: 0,
      attribution: { header: 0, lifetime: 0, ambiguous: 0 },
    });
    await landWrite(sims.crm.url, lostPlan);
    await landWrite(sims.crm.url, lostPlan);
    const report = await sims.reconcile([landedPlan, lostPlan]);
    expect(report.ledgerSize).toBe(3);
    expect(report.totals).toMatchObject({ landed: 1, duplicate: 1, unexpected: 0 });
    expect(report.duplicate).toEqual([
      {
        callId: lostPlan.id,
        op: lostPlan.expectedWrites[0]!.op,
        count: 2,
        args: lostPlan.expectedWrites[0]!.args,
      },
    ]);
    expect(report.totals.lost).toBe(landedPlan.expectedWrites.length + lostPlan.expectedWrites.length - 2);
    const w0 = landedPlan.expectedWrites[0]!;
    expect(report.lost).not.toContainEqual({ callId: landedPlan.id, op: w0.op, args: w0.args });
  });

  test('a write that names no call is attributed by the lifetime the run told the child about', async () => {
    const [, , live, gone] = withWrites as [CallPlan, CallPlan, CallPlan, CallPlan];
    const t0 = Date.now();
    sims.calls.started({
      callId: live.id,
      from: live.caller.phone,
      accountId: live.caller.accountId,
      at: t0,
    });
    // This call ended long before its write lands: nobody owns that write.
    sims.calls.started({
      callId: gone.id,
      from: gone.caller.phone,
      accountId: gone.caller.accountId,
      at: t0 - 60_000,
    });
    sims.calls.ended({ callId: gone.id, at: t0 - 50_000 });
    await sims.calls.flush();
    await landWrite(sims.crm.url, live, false);
    await landWrite(sims.crm.url, gone, false);
    expect(await sims.reconcileCall(live)).toMatchObject({
      landed: 1,
      unexpected: 0,
      attribution: { header: 0, lifetime: 1, ambiguous: 0 },
    });
    expect(await sims.reconcileCall(gone)).toMatchObject({ landed: 0 });
    const report = await sims.reconcile([live, gone]);
    expect(report.attribution).toMatchObject({ lifetime: 1, noLiveCall: 1 });
    expect(report.unattributed).toHaveLength(1);
    expect(report.unattributed[0]).toMatchObject({
      accountId: gone.caller.accountId,
      attribution: { by: 'none', reason: 'no-live-call', candidates: [] },
    });
    // What the simulators saw of each call, for the wiring check.
    const seen = await fetch(`${sims.asr.controlUrl}/calls/seen`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ callIds: [live.id, gone.id] }),
    });
    expect(((await seen.json()) as { calls: unknown[] }).calls).toEqual([
      { callId: live.id, asr: { transcripts: 0 }, llm: { requests: 0 }, crm: { requests: 1 } },
      { callId: gone.id, asr: { transcripts: 0 }, llm: { requests: 0 }, crm: { requests: 0 } },
    ]);
  });

  test('refuses unknown call ids and malformed bodies clearly', async () => {
    const post = (path: string, body: unknown) =>
      fetch(`${sims.crm.controlUrl}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    const otherSeed = await post('/ledger/reconcile-call', { callId: 'cs-12-0' });
    expect(otherSeed.status).toBe(404);
    const error = ((await otherSeed.json()) as { error: { code: string; message: string; hint: string } })
      .error;
    expect(error.code).toBe('CS_ERR_UNKNOWN_CALL');
    expect(error.message).toContain('"cs-12-0"');
    expect(error.hint).toContain('--seed');
    const beyondWindow = await post('/ledger/reconcile', {
      callIds: [plans[0]!.id, 'cs-11-999999', 'nonsense'],
    });
    expect(beyondWindow.status).toBe(404);
    expect(((await beyondWindow.json()) as { error: { message: string } }).error.message).toContain(
      '"cs-11-999999", "nonsense"',
    );
    const bad = await post('/ledger/reconcile', { ids: [] });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { code: string } }).error.code).toBe('CS_ERR_BAD_ARGUMENT');
    await expect(sims.reconcileCall({ ...plans[0]!, id: 'cs-99-1' })).rejects.toMatchObject({
      code: 'CS_ERR_SIMULATORS_PROCESS',
    });
  });

  test('close() ends the child', async () => {
    const other = await startSimulatorsProcess(options);
    await other.close();
    expect(processAlive(other.pid)).toBe(false);
    await other.close();
  });
});

test('a child that cannot start fails with its own message and the command to reproduce it', async () => {
  const error = await startSimulatorsProcess({ ...options, vertical: 'no-such-vertical' }).catch((e) => e);
  expect(error).toBeInstanceOf(CallstormError);
  expect(error.code).toBe('CS_ERR_SIMULATORS_PROCESS');
  expect(error.message).toMatch(/did not start: exited \(code 2\): CS_ERR_UNKNOWN_NAME/);
  expect(error.message).toContain('no-such-vertical');
  expect(error.hint).toContain('callstorm simulators --vertical no-such-vertical');
});
