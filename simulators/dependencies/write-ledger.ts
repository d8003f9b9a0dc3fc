import type { CrmOperationName } from '../../src/scenario/crm-operations.ts';
import type { CallPlan, ExpectedWrite } from '../callers/call-plan.ts';
import { canonicalJson } from './idempotency-store.ts';
import type { WriteTotals } from './write-totals.ts';

/** One accepted write, as the CRM committed it. */
export interface LedgerEntry {
  /** Position in the ledger, from 1. */
  readonly seq: number;
  /** The id the CRM answered with (e.g. `PTP-000042`). */
  readonly writeId: string;
  readonly op: CrmOperationName;
  readonly accountId: string;
  /** Every argument of the operation, accountId included, as strings. */
  readonly args: Readonly<Record<string, string>>;
  readonly idempotencyKey?: string;
  /** ISO 8601 wall-clock time of the commit. */
  readonly at: string;
  /** From the `x-callstorm-call` header, when the agent forwarded it. */
  readonly callId?: string;
}

export type WriteStatus = 'landed' | 'lost' | 'duplicate';

export interface ReconciledWrite {
  readonly expected: ExpectedWrite;
  readonly callId: string;
  /** landed = exactly once, lost = never, duplicate = more than once. */
  readonly status: WriteStatus;
  readonly count: number;
  /** Ledger `seq` of every write matched to this one. */
  readonly matched: readonly number[];
}

export interface Reconciliation {
  readonly writes: readonly ReconciledWrite[];
  /** Writes no plan asked for (wrong values, wrong operation, invented). */
  readonly unexpected: readonly LedgerEntry[];
  readonly totals: WriteTotals;
}

export type LedgerWrite = Omit<LedgerEntry, 'seq' | 'at'> & { readonly at?: string };

/** Every write the CRM accepted, in order, and the reconciliation against what calls should have written. */
export class WriteLedger {
  private readonly list: LedgerEntry[] = [];
  private readonly byCall = new Map<string, LedgerEntry[]>();

  record(write: LedgerWrite): LedgerEntry {
    const entry: LedgerEntry = {
      ...write,
      seq: this.list.length + 1,
      at: write.at ?? new Date().toISOString(),
    };
    this.list.push(entry);
    if (entry.callId !== undefined) {
      const own = this.byCall.get(entry.callId);
      if (own) own.push(entry);
      else this.byCall.set(entry.callId, [entry]);
    }
    return entry;
  }

  /** The writes that named this call (`x-callstorm-call`), in order. */
  entriesForCall(callId: string): readonly LedgerEntry[] {
    return this.byCall.get(callId) ?? [];
  }

  /**
   * One call's writes against its plan, from the writes that named the call only: O(writes of the
   * call), so a driver can reconcile each call as it ends. Writes that did not name their call
   * are reconciled by `reconcile` over the whole run.
   */
  reconcileCall(plan: CallPlan): WriteTotals {
    const own = this.entriesForCall(plan.id);
    const used = new Set<number>();
    let landed = 0;
    let lost = 0;
    let duplicate = 0;
    for (const expected of plan.expectedWrites) {
      const key = writeKey(expected.op, expected.args);
      let count = 0;
      for (const entry of own) {
        if (!used.has(entry.seq) && writeKey(entry.op, entry.args) === key) {
          used.add(entry.seq);
          count++;
        }
      }
      if (count === 0) lost++;
      else if (count === 1) landed++;
      else duplicate++;
    }
    return {
      expected: plan.expectedWrites.length,
      landed,
      lost,
      duplicate,
      unexpected: own.length - used.size,
    };
  }

  entries(): readonly LedgerEntry[] {
    return this.list;
  }

  get size(): number {
    return this.list.length;
  }

  clear(): void {
    this.list.length = 0;
    this.byCall.clear();
  }

  /**
   * Matches ledger writes to the plans' expected writes by operation and identical arguments.
   * A write that names its call (`x-callstorm-call`) goes to that call's expected write first;
   * the rest go to the matching expected write that has fewest writes so far.
   */
  reconcile(plans: Iterable<CallPlan>): Reconciliation {
    const slots: { expected: ExpectedWrite; callId: string; key: string; matched: number[] }[] = [];
    const byKey = new Map<string, typeof slots>();
    for (const plan of plans) {
      for (const expected of plan.expectedWrites) {
        const slot = {
          expected,
          callId: plan.id,
          key: writeKey(expected.op, expected.args),
          matched: [] as number[],
        };
        slots.push(slot);
        const group = byKey.get(slot.key) ?? [];
        group.push(slot);
        byKey.set(slot.key, group);
      }
    }
    const leftovers: LedgerEntry[] = [];
    for (const entry of this.list) {
      const group = byKey.get(writeKey(entry.op, entry.args));
      const own = group?.find((slot) => slot.callId === entry.callId);
      if (own) own.matched.push(entry.seq);
      else leftovers.push(entry);
    }
    const unexpected: LedgerEntry[] = [];
    for (const entry of leftovers) {
      const group = byKey.get(writeKey(entry.op, entry.args));
      if (!group) {
        unexpected.push(entry);
        continue;
      }
      let target = group[0]!;
      for (const slot of group) if (slot.matched.length < target.matched.length) target = slot;
      target.matched.push(entry.seq);
    }
    const writes = slots.map((slot): ReconciledWrite => {
      const count = slot.matched.length;
      const status: WriteStatus = count === 0 ? 'lost' : count === 1 ? 'landed' : 'duplicate';
      return {
        expected: slot.expected,
        callId: slot.callId,
        status,
        count,
        matched: slot.matched.sort((a, b) => a - b),
      };
    });
    return {
      writes,
      unexpected,
      totals: {
        expected: writes.length,
        landed: writes.filter((w) => w.status === 'landed').length,
        lost: writes.filter((w) => w.status === 'lost').length,
        duplicate: writes.filter((w) => w.status === 'duplicate').length,
        unexpected: unexpected.length,
      },
    };
  }
}

function writeKey(op: string, args: Readonly<Record<string, string>>): string {
  return `${op} ${canonicalJson(args)}`;
}
