import type { CallPlan } from '../callers/call-plan.ts';
import type { AttributedEntry, AttributionTotals, WriteLedger } from './write-ledger.ts';
import type { WriteTotals } from './write-totals.ts';

/**
 * A run's writes reconciled, in the shape `ledger.json` keeps: totals, the ledger's size, how the
 * writes were attributed to calls, and the writes that went wrong (lost, duplicated, unexpected,
 * unattributed). The same whether the CRM simulator runs in the run's process or answers
 * `POST /__callstorm/ledger/reconcile` from another.
 */
export interface LedgerReport {
  readonly totals: WriteTotals;
  /** Every write the CRM accepted during the run, reconciled or not. */
  readonly ledgerSize: number;
  readonly attribution: AttributionTotals;
  readonly lost: readonly {
    readonly callId: string;
    readonly op: string;
    readonly args: Readonly<Record<string, string>>;
  }[];
  readonly duplicate: readonly {
    readonly callId: string;
    readonly op: string;
    readonly count: number;
    readonly args: Readonly<Record<string, string>>;
  }[];
  readonly unexpected: readonly AttributedEntry[];
  /** Writes no call could be given (they named none; no live call, or several, touched them). */
  readonly unattributed: readonly AttributedEntry[];
}

/** Reconciles the ledger against the plans of the calls that ran. */
export function ledgerReport(ledger: WriteLedger, plans: Iterable<CallPlan>): LedgerReport {
  const r = ledger.reconcile(plans);
  return {
    totals: r.totals,
    ledgerSize: ledger.size,
    attribution: r.attribution,
    lost: r.writes
      .filter((w) => w.status === 'lost')
      .map((w) => ({ callId: w.callId, op: w.expected.op, args: w.expected.args })),
    duplicate: r.writes
      .filter((w) => w.status === 'duplicate')
      .map((w) => ({ callId: w.callId, op: w.expected.op, count: w.count, args: w.expected.args })),
    unexpected: r.unexpected,
    unattributed: r.unattributed,
  };
}
