import type { CallPlan } from '../../simulators/callers/call-plan.ts';
import type { LedgerReport } from '../../simulators/dependencies/ledger-report.ts';
import type { AttributedEntry } from '../../simulators/dependencies/write-ledger.ts';
import { writeJsonAtomic } from '../telemetry/write-json-atomic.ts';

/** Which calls of the run finished (have a record) and which started without finishing. */
export interface CallBook {
  readonly finished: ReadonlySet<string>;
  /** Started, no record: interrupted, cut short by a stop or the deadline, or unjudged. */
  readonly unfinished: ReadonlySet<string>;
}

/** The run's calls as they start and finish (the ledger reconciles finished calls only). */
export class RunCallBook implements CallBook {
  readonly #started = new Set<string>();
  readonly finished = new Set<string>();

  started(callId: string): void {
    this.#started.add(callId);
  }

  get unfinished(): ReadonlySet<string> {
    return new Set([...this.#started].filter((id) => !this.finished.has(id)));
  }
}

/**
 * `ledger.json`: the CRM's writes reconciled against the calls that finished. Writes of calls that
 * started but did not finish (a stopped or interrupted run) are not unexpected: they are listed
 * apart under `unfinished`, with those calls' ids.
 */
export async function writeLedgerFile(
  path: string,
  ledger: { ledgerReport(plans: Iterable<CallPlan>): Promise<LedgerReport> },
  plans: Iterable<CallPlan>,
  calls: CallBook,
  deadLetters: Readonly<Record<string, number>> | null,
): Promise<void> {
  function* finishedPlans() {
    for (const p of plans) if (calls.finished.has(p.id)) yield p;
  }
  const r = await ledger.ledgerReport(finishedPlans());
  const unfinished = calls.unfinished;
  const ofUnfinished = (e: AttributedEntry) =>
    e.attribution.by !== 'none' && unfinished.has(e.attribution.callId);
  const unexpected = r.unexpected.filter((e) => !ofUnfinished(e));
  writeJsonAtomic(path, {
    schema: 'callstorm.ledger/v1',
    totals: { ...r.totals, unexpected: unexpected.length },
    ledgerSize: r.ledgerSize,
    attribution: r.attribution,
    deadLetters,
    lost: r.lost,
    duplicate: r.duplicate,
    unexpected,
    unattributed: r.unattributed,
    unfinished: { calls: [...unfinished].sort(), writes: r.unexpected.filter(ofUnfinished) },
  });
}
