import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { DrillVerdict } from '../chaos/drill-verdict.ts';
import { type FaultLogEntry, readFaultLog } from '../chaos/fault-log.ts';
import { CallstormError } from '../errors/callstorm-error.ts';
import { CALL_RECORD_SCHEMA, type CallRecord } from '../telemetry/call-record.ts';
import { RUN_MANIFEST_SCHEMA, type RunManifest } from '../telemetry/run-manifest.ts';

export interface LedgerTotals {
  readonly expected: number;
  readonly landed: number;
  readonly lost: number;
  readonly duplicate: number;
  readonly unexpected: number;
}

/** What a run folder holds, read and checked; optional artefacts are null/empty when absent. */
export interface RunArtefacts {
  readonly dir: string;
  readonly manifest: RunManifest;
  readonly calls: readonly CallRecord[];
  readonly ledger: LedgerTotals | null;
  readonly faults: readonly FaultLogEntry[];
  readonly drill: DrillVerdict | null;
}

const RUN_FIX =
  'pass the folder `callstorm run` wrote (it holds manifest.json and calls.jsonl), or run again';

function fail(path: string, reason: string, fix = RUN_FIX): never {
  throw new CallstormError('CS_ERR_RUN_ARTEFACT', { path, reason, fix });
}

function readJson(path: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    fail(
      path,
      (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (error as Error).message,
    );
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    return fail(path, `not valid JSON (${(error as Error).message})`);
  }
}

/** calls.jsonl; a torn last line (a killed run) is skipped, a bad line elsewhere is an error. */
export function readCallRecords(path: string): CallRecord[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    fail(
      path,
      (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (error as Error).message,
    );
  }
  const lines = text.split('\n');
  const out: CallRecord[] = [];
  lines.forEach((line, i) => {
    if (line.trim() === '') return;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      const last = lines.slice(i + 1).every((l) => l.trim() === '');
      if (last) return;
      fail(path, `line ${i + 1} is not valid JSON`, 'the file was edited or corrupted: run again');
    }
    const schema = (value as { schema?: unknown } | null)?.schema;
    if (schema !== CALL_RECORD_SCHEMA) {
      fail(
        path,
        `line ${i + 1} is not a call record (schema ${JSON.stringify(schema ?? null)}, expected "${CALL_RECORD_SCHEMA}")`,
        'this callstorm reads call records of schema callstorm.call/v1: run again with this version',
      );
    }
    out.push(value as CallRecord);
  });
  return out;
}

/** Reads a run folder; throws CS_ERR_RUN_ARTEFACT naming the file and the fix. */
export function readRunArtefacts(dir: string): RunArtefacts {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) fail(dir, 'no such run folder');
  const manifestPath = join(dir, 'manifest.json');
  const manifest = readJson(manifestPath) as RunManifest;
  if (manifest?.schema !== RUN_MANIFEST_SCHEMA || typeof manifest.scenario !== 'object') {
    fail(manifestPath, `not a run manifest (expected schema "${RUN_MANIFEST_SCHEMA}")`);
  }
  const calls = readCallRecords(join(dir, 'calls.jsonl'));
  const ledgerPath = join(dir, 'ledger.json');
  let ledger: LedgerTotals | null = null;
  if (existsSync(ledgerPath)) {
    const l = readJson(ledgerPath) as { totals?: LedgerTotals };
    if (typeof l?.totals?.lost !== 'number') fail(ledgerPath, 'no totals in the ledger');
    ledger = l.totals;
  }
  const faultsPath = join(dir, 'faults.jsonl');
  const faults = existsSync(faultsPath) ? readFaultLog(faultsPath) : [];
  const drillPath = join(dir, 'drill.json');
  let drill: DrillVerdict | null = null;
  if (existsSync(drillPath)) {
    const d = readJson(drillPath) as DrillVerdict | null;
    if (d !== null && typeof d?.passed !== 'boolean') fail(drillPath, 'not a drill verdict (no "passed")');
    drill = d;
  }
  return { dir, manifest, calls, ledger, faults, drill };
}
