import type { CallRecord } from '../telemetry/call-record.ts';
import type { RunManifest } from '../telemetry/run-manifest.ts';
import type { DrillVerdict } from './drill-verdict-schema.ts';
import type { FaultLogLine } from './fault-log-schema.ts';
import type { HistogramsFile } from './histograms-schema.ts';
import type { LedgerTotals } from './ledger-schema.ts';

/** A run folder read and checked; optional artefacts are null (or empty) when absent. */
export interface RunFolder {
  readonly dir: string;
  readonly manifest: RunManifest;
  readonly calls: readonly CallRecord[];
  /** ledger.json's totals (null: no ledger, e.g. a killed run). */
  readonly ledger: LedgerTotals | null;
  readonly faults: readonly FaultLogLine[];
  /** drill.json as the run wrote it (src/slo recomputes it from the folder when it can). */
  readonly drill: DrillVerdict | null;
  readonly histograms: HistogramsFile | null;
  /** What the reader let pass that a reader of the report should know (a torn last line skipped). */
  readonly notes: readonly string[];
}
