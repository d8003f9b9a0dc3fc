import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { z } from 'zod';
import { CallstormError } from '../errors/callstorm-error.ts';
import { type CallRecord, callRecordSchema } from '../telemetry/call-record.ts';
import { JsonlFile } from '../telemetry/jsonl-file.ts';
import type { HistogramsJson } from '../telemetry/latency-histograms.ts';
import { type RunManifest, writeManifest } from '../telemetry/run-manifest.ts';
import { writeJsonAtomic } from '../telemetry/write-json-atomic.ts';
import { describeIssues } from './artefact-issues.ts';
import { type DrillVerdict, drillVerdictSchema } from './drill-verdict-schema.ts';
import { histogramsFileSchema } from './histograms-schema.ts';
import { type LedgerFile, ledgerFileSchema } from './ledger-schema.ts';
import { manifestSchema } from './manifest-schema.ts';
import { RUN_FOLDER_FILES, type RunFolderFile } from './run-folder-files.ts';

/** What callstorm writes must be what its reader accepts: a refused artefact is a callstorm bug. */
function checked<S extends z.ZodType>(schema: S, value: unknown, file: string): void {
  const r = schema.safeParse(value);
  if (!r.success) {
    throw new CallstormError('CS_ERR_INTERNAL', {
      reason: `refusing to write ${file} that the run folder reader would refuse: ${describeIssues(r.error.issues)}`,
    });
  }
}

/**
 * The one writer of run folders: every artefact checked against the schema `readRunFolder` reads
 * it with, JSON files written atomically (a reader never sees half a file), JSON Lines appended
 * one whole line per write (a killed run leaves only whole lines, and at most a torn last one).
 */
export class RunFolderWriter {
  readonly dir: string;

  constructor(dir: string) {
    this.dir = dir;
    mkdirSync(dir, { recursive: true });
  }

  path(file: RunFolderFile): string {
    return join(this.dir, file);
  }

  writeManifest(manifest: RunManifest): void {
    checked(manifestSchema, manifest, RUN_FOLDER_FILES.manifest);
    writeManifest(this.path(RUN_FOLDER_FILES.manifest), manifest);
  }

  /**
   * calls.jsonl in one go (ingest); a run appends through `openCalls()` instead. `refuse` turns a
   * record the reader would refuse into the caller's own error (ingest: bad k6 output); without
   * it that is a callstorm bug (CS_ERR_INTERNAL).
   */
  writeCalls(records: readonly CallRecord[], refuse?: (record: CallRecord, issues: string) => never): void {
    for (const r of records) {
      const parsed = callRecordSchema.safeParse(r);
      if (!parsed.success && refuse) refuse(r, describeIssues(parsed.error.issues));
      if (!parsed.success) checked(callRecordSchema, r, RUN_FOLDER_FILES.calls);
    }
    writeFileSync(this.path(RUN_FOLDER_FILES.calls), records.map((r) => `${JSON.stringify(r)}\n`).join(''));
  }

  /** calls.jsonl for appending as calls finish. */
  openCalls(): JsonlFile {
    return new JsonlFile(this.path(RUN_FOLDER_FILES.calls));
  }

  writeHistograms(histograms: HistogramsJson): void {
    checked(histogramsFileSchema, histograms, RUN_FOLDER_FILES.histograms);
    writeJsonAtomic(this.path(RUN_FOLDER_FILES.histograms), histograms);
  }

  writeLedger(ledger: LedgerFile): void {
    checked(ledgerFileSchema, ledger, RUN_FOLDER_FILES.ledger);
    writeJsonAtomic(this.path(RUN_FOLDER_FILES.ledger), ledger);
  }

  writeDrill(verdict: DrillVerdict): void {
    checked(drillVerdictSchema, verdict, RUN_FOLDER_FILES.drill);
    writeJsonAtomic(this.path(RUN_FOLDER_FILES.drill), verdict);
  }
}
