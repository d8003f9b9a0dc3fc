import { describe, expect, test } from 'vitest';
import {
  CALL_PLAN_SCHEMA,
  type CallPlan,
  type ExpectedWrite,
} from '../../../simulators/callers/call-plan.ts';
import { CallLifecycle } from '../../../simulators/dependencies/call-lifecycle.ts';
import { WriteLedger } from '../../../simulators/dependencies/write-ledger.ts';

function plan(id: string, writes: Omit<ExpectedWrite, 'id' | 'flow'>[]): CallPlan {
  return {
    schema: CALL_PLAN_SCHEMA,
    id,
    expectedWrites: writes.map((w, n) => ({ ...w, id: `${id}.w${n}`, flow: 'payment-arrangement' })),
  } as unknown as CallPlan;
}

const ptp = (accountId: string, amount: string) => ({
  op: 'record_promise_to_pay' as const,
  args: { accountId, amount, date: '2026-02-01' },
});

describe('WriteLedger.reconcile', () => {
  test('finds landed, lost, duplicate and unexpected writes', () => {
    const ledger = new WriteLedger();
    const plans = [
      plan('c1', [ptp('40000000', '50.00')]),
      plan('c2', [ptp('40000037', '20.00')]),
      plan('c3', [ptp('40000074', '10.00')]),
    ];
    ledger.record({ writeId: 'PTP-1', ...ptp('40000000', '50.00'), accountId: '40000000', callId: 'c1' });
    // c2's write landed twice (a retry without an Idempotency-Key).
    ledger.record({ writeId: 'PTP-2', ...ptp('40000037', '20.00'), accountId: '40000037', callId: 'c2' });
    ledger.record({ writeId: 'PTP-3', ...ptp('40000037', '20.00'), accountId: '40000037', callId: 'c2' });
    // c3's write went in with the wrong amount: c3's is lost, and this one nobody asked for.
    ledger.record({ writeId: 'PTP-4', ...ptp('40000074', '100.00'), accountId: '40000074', callId: 'c3' });

    const result = ledger.reconcile(plans);
    expect(result.writes.map((w) => [w.expected.id, w.status, w.count])).toEqual([
      ['c1.w0', 'landed', 1],
      ['c2.w0', 'duplicate', 2],
      ['c3.w0', 'lost', 0],
    ]);
    expect(result.unexpected.map((e) => e.writeId)).toEqual(['PTP-4']);
    expect(result.totals).toEqual({ expected: 3, landed: 1, lost: 1, duplicate: 1, unexpected: 1 });
  });

  test('matching needs the same operation and identical arguments', () => {
    const ledger = new WriteLedger();
    ledger.record({
      writeId: 'X',
      op: 'create_payment_arrangement',
      accountId: '40000000',
      args: ptp('40000000', '50.00').args,
      callId: 'c1',
    });
    const result = ledger.reconcile([plan('c1', [ptp('40000000', '50.00')])]);
    expect(result.totals).toMatchObject({ lost: 1, unexpected: 1 });
  });

  test('a write that names no call is attributed by the lifetime of the one live call on its account', () => {
    const lifecycle = new CallLifecycle();
    const ledger = new WriteLedger({ lifecycle });
    lifecycle.started({ callId: 'c1', accountId: '40000000', from: '07100000000', at: 1_000 });
    lifecycle.started({ callId: 'c2', accountId: '40000037', from: '07100001297', at: 1_500 });
    const at = (ms: number) => new Date(ms).toISOString();
    ledger.record({ writeId: 'A', ...ptp('40000000', '50.00'), accountId: '40000000', at: at(2_000) });
    ledger.record({ writeId: 'B', ...ptp('40000037', '20.00'), accountId: '40000037', at: at(2_100) });
    lifecycle.ended({ callId: 'c1', at: 3_000 });
    // Long after c1 ended (past the grace): no live call owns it.
    ledger.record({ writeId: 'C', ...ptp('40000000', '50.00'), accountId: '40000000', at: at(9_000) });
    const plans = [plan('c1', [ptp('40000000', '50.00')]), plan('c2', [ptp('40000037', '20.00')])];
    const result = ledger.reconcile(plans);
    expect(result.writes.map((w) => [w.callId, w.status])).toEqual([
      ['c1', 'landed'],
      ['c2', 'landed'],
    ]);
    expect(result.unattributed.map((e) => [e.writeId, e.attribution])).toEqual([
      ['C', { by: 'none', reason: 'no-live-call', candidates: [] }],
    ]);
    expect(result.attribution).toEqual({ header: 0, lifetime: 2, noLiveCall: 1, ambiguous: 0 });
    expect(ledger.reconcileCall(plans[0]!)).toMatchObject({ landed: 1, unexpected: 0 });
    expect(ledger.attributionOfCall('c1')).toEqual({ header: 0, lifetime: 1, ambiguous: 0 });
  });

  test('two live calls on one account: the write is counted as ambiguous, never guessed', () => {
    const lifecycle = new CallLifecycle();
    const ledger = new WriteLedger({ lifecycle });
    lifecycle.started({ callId: 'c1', accountId: '40000000', at: 1_000 });
    lifecycle.started({ callId: 'c2', accountId: '40000000', at: 1_200 });
    ledger.record({
      writeId: 'A',
      ...ptp('40000000', '50.00'),
      accountId: '40000000',
      at: new Date(1_500).toISOString(),
    });
    const result = ledger.reconcile([
      plan('c1', [ptp('40000000', '50.00')]),
      plan('c2', [ptp('40000000', '50.00')]),
    ]);
    expect(result.writes.map((w) => w.status)).toEqual(['lost', 'lost']);
    expect(result.unattributed[0]!.attribution).toEqual({
      by: 'none',
      reason: 'ambiguous',
      candidates: ['c1', 'c2'],
    });
    expect(ledger.attributionOfCall('c2')).toEqual({ header: 0, lifetime: 0, ambiguous: 1 });
  });

  test('a retry under the same Idempotency-Key is attributed where its first attempt was', () => {
    const lifecycle = new CallLifecycle();
    const ledger = new WriteLedger({ lifecycle });
    lifecycle.started({ callId: 'c1', accountId: '40000000', at: 1_000 });
    // The first attempt was refused (a fault) during the call; the replay lands long after.
    ledger.keys.sight('k-1', 1_500, undefined);
    lifecycle.ended({ callId: 'c1', at: 2_000 });
    ledger.record({
      writeId: 'A',
      ...ptp('40000000', '50.00'),
      accountId: '40000000',
      idempotencyKey: 'k-1',
      at: new Date(60_000).toISOString(),
    });
    // A key whose attempt named its call passes the call on to the write that lands without it.
    ledger.keys.sight('k-2', 1_600, 'c2');
    const entry = ledger.record({
      writeId: 'B',
      ...ptp('40000037', '20.00'),
      accountId: '40000037',
      idempotencyKey: 'k-2',
    });
    expect(entry.callId).toBe('c2');
    expect(ledger.attributionOf(ledger.entries()[0]!)).toEqual({ by: 'lifetime', callId: 'c1' });
  });

  test('a write tagged with its call goes to that call only', () => {
    const ledger = new WriteLedger();
    ledger.record({ writeId: 'A', ...ptp('40000000', '50.00'), accountId: '40000000', callId: 'c2' });
    ledger.record({ writeId: 'B', ...ptp('40000000', '50.00'), accountId: '40000000', callId: 'c2' });
    const result = ledger.reconcile([
      plan('c1', [ptp('40000000', '50.00')]),
      plan('c2', [ptp('40000000', '50.00')]),
    ]);
    expect(result.writes.map((w) => [w.callId, w.status])).toEqual([
      ['c1', 'lost'],
      ['c2', 'duplicate'],
    ]);
  });

  test('an empty ledger: every expected write is lost; no plans: every write is unexpected or unattributed', () => {
    const ledger = new WriteLedger();
    expect(ledger.reconcile([plan('c1', [ptp('40000000', '1.00')])]).totals.lost).toBe(1);
    ledger.record({ writeId: 'A', ...ptp('40000000', '1.00'), accountId: '40000000', callId: 'c1' });
    ledger.record({ writeId: 'B', ...ptp('40000000', '1.00'), accountId: '40000000' });
    const result = ledger.reconcile([]);
    expect(result.totals.unexpected).toBe(1);
    expect(result.unattributed.map((e) => e.writeId)).toEqual(['B']);
  });
});

test('reconcileCall judges one call from the writes that named it', async () => {
  const { WriteLedger } = await import('../../../simulators/dependencies/write-ledger.ts');
  const { createCallGenerator } = await import('../../../simulators/callers/call-generator.ts');
  const { loadScenario } = await import('../../../src/scenario/load-scenario.ts');
  const plans = [
    ...createCallGenerator(loadScenario({ vertical: 'collections', stage: 'pilot' }), { seed: 4 }).plans(),
  ];
  const withWrite = plans.filter((p) => p.expectedWrites.length > 0).slice(0, 3);
  const [once, twice, never] = withWrite as [(typeof plans)[0], (typeof plans)[0], (typeof plans)[0]];
  const ledger = new WriteLedger();
  const write = (plan: (typeof plans)[0], args = plan.expectedWrites[0]!.args) =>
    ledger.record({
      writeId: `W-${ledger.size}`,
      op: plan.expectedWrites[0]!.op,
      accountId: plan.caller.accountId,
      args,
      callId: plan.id,
    });
  write(once);
  write(twice);
  write(twice);
  write(never, { ...never.expectedWrites[0]!.args, amount: '1.00' });
  expect(ledger.reconcileCall(once)).toEqual({
    expected: 1,
    landed: 1,
    lost: 0,
    duplicate: 0,
    unexpected: 0,
  });
  expect(ledger.reconcileCall(twice)).toEqual({
    expected: 1,
    landed: 0,
    lost: 0,
    duplicate: 1,
    unexpected: 0,
  });
  expect(ledger.reconcileCall(never)).toEqual({
    expected: 1,
    landed: 0,
    lost: 1,
    duplicate: 0,
    unexpected: 1,
  });
});
