import { existsSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { CALL_RECORD_SCHEMA, type CallRecord, callRecordSchema } from '../telemetry/call-record.ts';
import type { RunManifest } from '../telemetry/run-manifest.ts';
import { drillVerdictSchema } from './drill-verdict-schema.ts';
import { FAULT_LOG_LINE_SCHEMA, type FaultLogLine, faultLogLineSchema } from './fault-log-schema.ts';
import { histogramsFileSchema } from './histograms-schema.ts';
import { ledgerFileSchema } from './ledger-schema.ts';
import { manifestSchema } from './manifest-schema.ts';
import { artefactError, CORRUPT_FIX, readJsonArtefact, readJsonlArtefact } from './read-artefact.ts';
import type { RunFolder } from './run-folder.ts';
import { callChecker, type FolderMismatch, faultChecker, folderMismatch } from './run-folder-checks.ts';
import { RUN_FOLDER_FILES } from './run-folder-files.ts';

function optional<T>(path: string, read: (path: string) => T): T | null {
  return existsSync(path) ? read(path) : null;
}

type Check<T> = (value: T, line: number) => FolderMismatch | null;

function fail(dir: string, m: FolderMismatch): never {
  throw artefactError(join(dir, m.file), m.reason, m.fix ?? CORRUPT_FIX);
}

/**
 * Reads calls.jsonl line by line, each through callRecordSchema (and `check`, when given); a
 * torn last line is skipped and its number returned.
 */
export function readCallRecords(
  path: string,
  check?: Check<CallRecord>,
): { calls: CallRecord[]; tornLastLine: number | null } {
  const calls: CallRecord[] = [];
  const { tornLastLine } = readJsonlArtefact(
    path,
    { tag: CALL_RECORD_SCHEMA, schema: callRecordSchema, what: 'a call record' },
    (record, line) => {
      const bad = check?.(record, line);
      if (bad) fail(dirname(path), bad);
      calls.push(record);
    },
  );
  return { calls, tornLastLine };
}

function readFaults(
  path: string,
  check: Check<FaultLogLine>,
): { faults: FaultLogLine[]; tornLastLine: number | null } {
  const faults: FaultLogLine[] = [];
  const { tornLastLine } = readJsonlArtefact(
    path,
    { tag: FAULT_LOG_LINE_SCHEMA, schema: faultLogLineSchema, what: 'a fault event' },
    (event, line) => {
      const bad = check(event, line);
      if (bad) fail(dirname(path), bad);
      faults.push(event);
    },
  );
  return { faults, tornLastLine };
}

/**
 * The one reader of run folders (`report`, `gate`, `compare`, `ingest` and the SLO engine share
 * it). Every artefact is read through its schema, bounded (regular files only, at most
 * RUN_FOLDER_LIMITS), and checked against the others (the same run id everywhere, each call
 * once, as many calls as the manifest says finished); anything wrong is CS_ERR_RUN_ARTEFACT
 * naming the file, the line and the field, with the fix.
 */
export function readRunFolder(dir: string): RunFolder {
  let isDir = false;
  try {
    isDir = statSync(dir).isDirectory();
  } catch {
    isDir = false;
  }
  if (!isDir) throw artefactError(dir, 'no such run folder');
  const path = (file: string) => join(dir, file);
  const manifest: RunManifest = readJsonArtefact(
    path(RUN_FOLDER_FILES.manifest),
    manifestSchema,
    'a run manifest',
  );
  const notes: string[] = [];
  const { calls, tornLastLine } = readCallRecords(path(RUN_FOLDER_FILES.calls), callChecker(manifest));
  if (tornLastLine !== null) {
    notes.push(
      `calls.jsonl: line ${tornLastLine} was cut short (the run was killed while writing it) and is left out`,
    );
  }
  const faultLog = optional(path(RUN_FOLDER_FILES.faults), (p) => readFaults(p, faultChecker(manifest)));
  if (faultLog?.tornLastLine) {
    notes.push(
      `faults.jsonl: line ${faultLog.tornLastLine} was cut short (the run was killed) and is left out`,
    );
  }
  const ledger = optional(path(RUN_FOLDER_FILES.ledger), (p) =>
    readJsonArtefact(p, ledgerFileSchema, 'a write ledger'),
  );
  const drill = optional(path(RUN_FOLDER_FILES.drill), (p) =>
    readJsonArtefact(p, drillVerdictSchema, 'a drill verdict'),
  );
  const histograms = optional(path(RUN_FOLDER_FILES.histograms), (p) =>
    readJsonArtefact(p, histogramsFileSchema, 'a histograms file'),
  );
  const folder: RunFolder = {
    dir,
    manifest,
    calls,
    ledger: ledger?.totals ?? null,
    faults: faultLog?.faults ?? [],
    drill,
    histograms,
    notes,
  };
  const mismatch = folderMismatch(folder);
  if (mismatch) fail(dir, mismatch);
  return folder;
}
