import fc from 'fast-check';
import { expect, test } from 'vitest';
import { CALL_PLAN_SCHEMA, type CallPlan } from '../../../simulators/callers/call-plan.ts';
import { CallLifecycle } from '../../../simulators/dependencies/call-lifecycle.ts';
import type { Attribution } from '../../../simulators/dependencies/write-attribution.ts';
import { type LedgerEntry, WriteLedger } from '../../../simulators/dependencies/write-ledger.ts';

const BASE = Date.UTC(2026, 0, 5, 9);
const GRACE = 500;
const ACCOUNTS = ['40000000', '40000037', '40000074'];
const PHONES = ['07100000000', '07100001297', '07100002594'];

interface CallSpec {
  readonly id: string;
  readonly account: number;
  readonly phone: number;
  readonly start: number;
  /** Null: still live when the writes are reconciled. */
  readonly end: number | null;
}
interface WriteSpec {
  readonly id: string;
  readonly account: number;
  /** A phone argument (no CRM write has one today; the attribution reads it anyway). */
  readonly phone: number | null;
  readonly at: number;
  /** Index of the call whose header it carries, or null. */
  readonly header: number | null;
  /** Idempotency-Key and when its first attempt came (≤ at), or null. */
  readonly key: { readonly name: string; readonly firstAt: number; readonly header: number | null } | null;
}

const callArb = (i: number) =>
  fc
    .record({
      account: fc.nat(ACCOUNTS.length - 1),
      phone: fc.nat(PHONES.length - 1),
      start: fc.nat(10_000),
      length: fc.option(fc.nat(4_000), { nil: null }),
    })
    .map(
      ({ length, ...c }): CallSpec => ({ id: `c${i}`, ...c, end: length === null ? null : c.start + length }),
    );

const scenarioArb = fc.integer({ min: 1, max: 6 }).chain((n) =>
  fc.record({
    calls: fc.tuple(...Array.from({ length: n }, (_, i) => callArb(i))),
    writes: fc.array(
      fc.record({
        account: fc.nat(ACCOUNTS.length - 1),
        phone: fc.option(fc.nat(PHONES.length - 1), { nil: null }),
        at: fc.nat(16_000),
        header: fc.option(fc.nat(n - 1), { nil: null }),
        key: fc.option(fc.record({ back: fc.nat(3_000), header: fc.option(fc.nat(n - 1), { nil: null }) }), {
          nil: null,
        }),
      }),
      { maxLength: 25 },
    ),
    // A random order in which the lifecycle events and the writes reach the simulators.
    order: fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: 80, maxLength: 80 }),
  }),
);

interface RawWrite {
  readonly account: number;
  readonly phone: number | null;
  readonly at: number;
  readonly header: number | null;
  readonly key: { readonly back: number; readonly header: number | null } | null;
}

function writesOf(raw: readonly RawWrite[]): WriteSpec[] {
  return raw.map((w, i) => ({
    id: `W${i}`,
    account: w.account,
    phone: w.phone,
    at: w.at,
    header: w.header,
    key: w.key ? { name: `k${i}`, firstAt: Math.max(0, w.at - w.key.back), header: w.key.header } : null,
  }));
}

/** Applies the events in the given order (each call's start before its end), then attributes. */
function attribute(calls: readonly CallSpec[], writes: readonly WriteSpec[], order: readonly number[]) {
  type Event = { rank: number; apply: (l: CallLifecycle, w: WriteLedger) => void };
  const events: Event[] = [];
  let r = 0;
  const rank = () => order[r++ % order.length]! + r * 1e-9;
  for (const c of calls) {
    const startRank = rank();
    events.push({
      rank: startRank,
      apply: (l) =>
        l.started({
          callId: c.id,
          accountId: ACCOUNTS[c.account],
          from: PHONES[c.phone],
          at: BASE + c.start,
        }),
    });
    if (c.end !== null) {
      const end = c.end;
      events.push({ rank: startRank + rank(), apply: (l) => l.ended({ callId: c.id, at: BASE + end }) });
    }
  }
  for (const w of writes) {
    events.push({
      rank: rank(),
      apply: (_l, ledger) => {
        if (w.key)
          ledger.keys.sight(
            w.key.name,
            BASE + w.key.firstAt,
            w.key.header === null ? undefined : calls[w.key.header]!.id,
          );
        ledger.record({
          writeId: w.id,
          op: 'record_promise_to_pay',
          accountId: ACCOUNTS[w.account]!,
          args: {
            accountId: ACCOUNTS[w.account]!,
            amount: '10.00',
            date: '2026-02-01',
            ...(w.phone === null ? {} : { phone: PHONES[w.phone]! }),
          },
          ...(w.header === null ? {} : { callId: calls[w.header]!.id }),
          ...(w.key ? { idempotencyKey: w.key.name } : {}),
          at: new Date(BASE + w.at).toISOString(),
        });
      },
    });
  }
  const lifecycle = new CallLifecycle({ endGraceMs: GRACE });
  const ledger = new WriteLedger({ lifecycle });
  for (const e of events.sort((a, b) => a.rank - b.rank)) e.apply(lifecycle, ledger);
  const byWrite = new Map<string, Attribution>(
    ledger.entries().map((e) => [e.writeId, ledger.attributionOf(e)]),
  );
  return { lifecycle, ledger, byWrite };
}

const live = (c: CallSpec, at: number) => c.start <= at && (c.end === null || at <= c.end + GRACE);
const touches = (c: CallSpec, w: WriteSpec) =>
  c.account === w.account || (w.phone !== null && c.phone === w.phone);

test('a write is never attributed to a call that was not live or did not touch what it touches; ties and no owner are counted, never guessed', () => {
  fc.assert(
    fc.property(scenarioArb, ({ calls, writes: raw, order }) => {
      const writes = writesOf(raw);
      const { ledger, byWrite } = attribute(calls, writes, order);
      for (const w of writes) {
        const a = byWrite.get(w.id)!;
        const named = w.header ?? w.key?.header ?? null;
        if (named !== null) {
          expect(a).toEqual({ by: 'header', callId: calls[named]!.id });
          continue;
        }
        const at = w.key ? w.key.firstAt : w.at;
        const owners = calls.filter((c) => live(c, at) && touches(c, w)).map((c) => c.id);
        if (a.by === 'lifetime') {
          const call = calls.find((c) => c.id === a.callId)!;
          expect(live(call, at)).toBe(true);
          expect(touches(call, w)).toBe(true);
          expect(owners).toEqual([a.callId]);
        } else {
          expect(a.by).toBe('none');
          if (a.by === 'none') {
            expect(a.reason).toBe(owners.length === 0 ? 'no-live-call' : 'ambiguous');
            expect([...a.candidates].sort()).toEqual([...owners].sort());
          }
        }
      }
      // Every write is counted once: a call's own (per-call reconciliation), or unattributed.
      const perCall = calls.reduce((n, c) => n + ledger.entriesForCall(c.id).length, 0);
      const totals = ledger.reconcile([]).attribution;
      expect(perCall + totals.noLiveCall + totals.ambiguous).toBe(ledger.size);
      expect(totals.header + totals.lifetime + totals.noLiveCall + totals.ambiguous).toBe(ledger.size);
    }),
    { numRuns: 300 },
  );
});

test('attribution does not depend on the order in which writes and lifecycle events reached the simulators', () => {
  fc.assert(
    fc.property(
      scenarioArb,
      fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: 80, maxLength: 80 }),
      ({ calls, writes: raw, order }, other) => {
        const writes = writesOf(raw);
        const one = attribute(calls, writes, order).byWrite;
        const two = attribute(calls, writes, other).byWrite;
        expect(Object.fromEntries(two)).toEqual(Object.fromEntries(one));
      },
    ),
    { numRuns: 200 },
  );
});

test('per-call reconciliation of attributed writes: landed once, duplicated, or unexpected for that call only', () => {
  const lifecycle = new CallLifecycle();
  const ledger = new WriteLedger({ lifecycle });
  const plan = (id: string, accountId: string): CallPlan =>
    ({
      schema: CALL_PLAN_SCHEMA,
      id,
      expectedWrites: [
        {
          id: `${id}.w0`,
          op: 'record_promise_to_pay',
          flow: 'f',
          args: { accountId, amount: '10.00', date: '2026-02-01' },
        },
      ],
    }) as unknown as CallPlan;
  lifecycle.started({ callId: 'a', accountId: ACCOUNTS[0], at: BASE });
  lifecycle.started({ callId: 'b', accountId: ACCOUNTS[1], at: BASE });
  const write = (accountId: string, amount: string): LedgerEntry =>
    ledger.record({
      writeId: `${accountId}-${amount}-${ledger.size}`,
      op: 'record_promise_to_pay',
      accountId,
      args: { accountId, amount, date: '2026-02-01' },
      at: new Date(BASE + 100).toISOString(),
    });
  write(ACCOUNTS[0]!, '10.00');
  write(ACCOUNTS[1]!, '10.00');
  write(ACCOUNTS[1]!, '10.00');
  write(ACCOUNTS[1]!, '99.00');
  expect(ledger.reconcileCall(plan('a', ACCOUNTS[0]!))).toEqual({
    expected: 1,
    landed: 1,
    lost: 0,
    duplicate: 0,
    unexpected: 0,
  });
  expect(ledger.reconcileCall(plan('b', ACCOUNTS[1]!))).toEqual({
    expected: 1,
    landed: 0,
    lost: 0,
    duplicate: 1,
    unexpected: 1,
  });
});
