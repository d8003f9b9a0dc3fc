import { writeFileSync } from 'node:fs';
import { loadDrill } from '../../src/chaos/drill-schema.ts';
import { evaluationContext } from '../../src/run-folder/evaluation-context.ts';
import { RunFolderWriter } from '../../src/run-folder/run-folder-writer.ts';
import { loadScenario } from '../../src/scenario/load-scenario.ts';
import { drillVerdict } from '../../src/slo/drill-verdict.ts';
import type { CallRecord } from '../../src/telemetry/call-record.ts';
import { LatencyHistograms } from '../../src/telemetry/latency-histograms.ts';
import { RUN_MANIFEST_SCHEMA, type RunManifest } from '../../src/telemetry/run-manifest.ts';
import { call, faultLines, turn } from '../chaos/call-records.ts';

const MIN = 60_000;
export const OUTAGE = { id: 'llm-primary-down', fromMs: 15 * MIN, toMs: 40 * MIN } as const;

export interface ValidFolderOptions {
  readonly runId?: string;
  /** Under the llm-regional-outage drill (faults.jsonl, drill.json), default true. */
  readonly drill?: boolean;
  /** A manifest from before callstorm recorded `evaluation`. */
  readonly oldManifest?: boolean;
  readonly calls?: number;
}

/** `n` calls of a scale hour, one every 90 s; during the outage the secondary tier answers. */
export function outageCalls(runId: string, n: number): CallRecord[] {
  return Array.from({ length: n }, (_, i) => {
    const at = i * 90_000;
    const during = at >= OUTAGE.fromMs && at < OUTAGE.toMs;
    return call(at, {
      runId,
      callId: `${runId}-c${i}`,
      index: i,
      flows: ['payment-arrangement'],
      faults: during ? [OUTAGE.id] : [],
      turns: [
        turn(at + 30_000, { tier: during ? 'secondary' : 'primary', voiceToVoiceMs: 800 + (i % 7) * 150 }),
      ],
    });
  });
}

/**
 * Writes a run folder the way `callstorm run` does (through the one writer): manifest.json with
 * the evaluation context, calls.jsonl, faults.jsonl, ledger.json, histograms.json and drill.json,
 * every artefact consistent with the others.
 */
export function writeValidRunFolder(dir: string, o: ValidFolderOptions = {}): string {
  const runId = o.runId ?? 'valid-run';
  const withDrill = o.drill ?? true;
  const scenario = loadScenario({ vertical: 'collections', stage: 'scale' });
  const drill = withDrill ? loadDrill('llm-regional-outage') : null;
  const calls = outageCalls(runId, o.calls ?? 40);
  const faults = withDrill
    ? faultLines(OUTAGE.id, OUTAGE.fromMs, OUTAGE.toMs).map((f) => ({
        ...f,
        runId,
        drill: 'llm-regional-outage',
      }))
    : [];
  const folder = new RunFolderWriter(dir);
  folder.writeCalls(calls);
  if (withDrill)
    writeFileSync(folder.path('faults.jsonl'), faults.map((f) => `${JSON.stringify(f)}\n`).join(''));
  const histograms = new LatencyHistograms();
  for (const c of calls) histograms.recordCall(c);
  folder.writeHistograms(histograms.toJSON());
  const sum = (k: keyof CallRecord['writes']) => calls.reduce((n, c) => n + c.writes[k], 0);
  folder.writeLedger({
    schema: 'callstorm.ledger/v1',
    totals: {
      expected: sum('expected'),
      landed: sum('landed'),
      lost: sum('lost'),
      duplicate: sum('duplicate'),
      unexpected: sum('unexpected'),
    },
    ledgerSize: sum('landed'),
    deadLetters: null,
    lost: [],
    duplicate: [],
    unexpected: [],
  });
  if (drill) folder.writeDrill(drillVerdict(drill, calls, faults, { runId }));
  const manifest: RunManifest = {
    schema: RUN_MANIFEST_SCHEMA,
    runId,
    status: 'complete',
    complete: true,
    invalid: null,
    reason: null,
    scenario: {
      vertical: 'collections',
      stage: 'scale',
      window: 'peak-hour',
      windowStart: '2026-03-30T09:00:00.000Z',
      windowEnd: '2026-03-30T10:00:00.000Z',
      expectedCalls: calls.length,
      seed: 1,
      speed: 120,
    },
    drill: drill?.name ?? null,
    agent: 'reference:production',
    simulators: { mode: 'process', pid: 4242 },
    network: { mode: withDrill ? 'emulated' : 'none', detail: '' },
    versions: { callstorm: '0.1.0', node: process.version },
    startedAt: '2026-01-01T00:00:00.000Z',
    endedAt: '2026-01-01T00:01:00.000Z',
    // As a run counts them: every call, and every fault event it logged.
    counts: {
      'call.started': calls.length,
      'call.finished': calls.length,
      'fault.applied': withDrill ? faults.filter((f) => f.event === 'applied').length : 0,
      'fault.removed': withDrill ? faults.filter((f) => f.event === 'removed').length : 0,
    },
    driver: null,
    files: [
      'manifest.json',
      'calls.jsonl',
      'histograms.json',
      'ledger.json',
      ...(drill ? ['faults.jsonl', 'drill.json'] : []),
    ],
    ...(o.oldManifest
      ? {}
      : { evaluation: evaluationContext(scenario, drill, { vertical: 'collections', stage: 'scale' }) }),
  };
  folder.writeManifest(manifest);
  return dir;
}
