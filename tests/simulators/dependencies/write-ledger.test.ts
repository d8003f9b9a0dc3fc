import { describe, expect, test } from 'vitest';
import {
  CALL_PLAN_SCHEMA,
  type CallPlan,
  type ExpectedWrite,
} from '../../../simulators/callers/call-plan.ts';
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
    });
    const result = ledger.reconcile([plan('c1', [ptp('40000000', '50.00')])]);
    expect(result.totals).toMatchObject({ lost: 1, unexpected: 1 });
  });

  test('writes without a call id still match, spread over identical expected writes', () => {
    const ledger = new WriteLedger();
    // Two calls legitimately ask for the same write; each landed once, with no x-callstorm-call header.
    ledger.record({ writeId: 'A', ...ptp('40000000', '50.00'), accountId: '40000000' });
    ledger.record({ writeId: 'B', ...ptp('40000000', '50.00'), accountId: '40000000' });
    const result = ledger.reconcile([
      plan('c1', [ptp('40000000', '50.00')]),
      plan('c2', [ptp('40000000', '50.00')]),
    ]);
    expect(result.writes.map((w) => w.status)).toEqual(['landed', 'landed']);
  });

  test('a write tagged with its call goes to that call first', () => {
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

  test('an empty ledger: every expected write is lost; no plans: every write is unexpected', () => {
    const ledger = new WriteLedger();
    expect(ledger.reconcile([plan('c1', [ptp('40000000', '1.00')])]).totals.lost).toBe(1);
    ledger.record({ writeId: 'A', ...ptp('40000000', '1.00'), accountId: '40000000' });
    expect(ledger.reconcile([]).totals.unexpected).toBe(1);
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
