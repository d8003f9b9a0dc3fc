import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FaultLogEntry } from '../../src/chaos/fault-log.ts';
import type { DrillVerdict } from '../../src/run-folder/drill-verdict-schema.ts';
import type { CallRecord } from '../../src/telemetry/call-record.ts';
import { RUN_MANIFEST_SCHEMA, type RunManifest } from '../../src/telemetry/run-manifest.ts';
import { call, faultLines, turn } from '../chaos/call-records.ts';

/** A temp folder for hand-written run folders. */
export function tempRoot(): string {
  return mkdtempSync(join(tmpdir(), 'callstorm-slo-'));
}

export function manifest(runId: string, o: Partial<RunManifest> = {}): RunManifest {
  return {
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
      expectedCalls: 120,
      seed: 1,
      speed: 120,
    },
    drill: null,
    agent: 'reference:production',
    network: { mode: 'none', detail: '' },
    versions: { callstorm: '0.1.0', node: 'v20' },
    startedAt: '2026-01-01T00:00:00.000Z',
    endedAt: '2026-01-01T00:01:00.000Z',
    counts: {},
    driver: null,
    files: [],
    ...o,
  };
}

/** Calls in a healthy run: enough for every shipped SLO's minimum (failure-rate needs 100). */
export const HEALTHY_CALLS = 120;
/** Scenario ms between two healthy calls (the hour spread evenly). */
export const CALL_SPACING_MS = 3_600_000 / HEALTHY_CALLS;

/** Scenario ms of healthy call i's turn: half-way to the next call. */
export const turnAt = (i: number): number => i * CALL_SPACING_MS + CALL_SPACING_MS / 2;

/** `n` healthy calls spread over the hour (default 120, one every 30 s): resolved, one fast turn, one write landed. */
export function healthyCalls(
  o: (i: number) => Partial<CallRecord> = () => ({}),
  n = HEALTHY_CALLS,
): CallRecord[] {
  const spacing = 3_600_000 / n;
  return Array.from({ length: n }, (_, i) =>
    call(i * spacing, {
      runId: 'run',
      stage: 'scale',
      flows: ['payment-arrangement'],
      turns: [turn(i * spacing + spacing / 2)],
      ...o(i),
    }),
  );
}

export function passedDrill(name: string, o: Partial<DrillVerdict> = {}): DrillVerdict {
  const phase = (p: 'before' | 'after') => ({
    phase: p,
    fromMs: 0,
    toMs: null,
    calls: 30,
    probes: [
      {
        name: 'containment holds',
        metric: 'containment' as const,
        actual: 0.8,
        tolerance: '≥ 0.35',
        passed: true,
      },
    ],
    passed: true,
  });
  return {
    drill: name,
    steadyState: { before: phase('before'), after: phase('after') },
    expectations: [
      {
        name: 'every transfer says why',
        expect: 'transfer-reason',
        during: 'f1',
        window: { fromMs: 900_000, toMs: 2_400_000 },
        actual: 1,
        expected: 'share of transfers with reason (any named) ≥ 1',
        samples: 10,
        unit: 'transfers',
        passed: true,
      },
    ],
    aborted: null,
    passed: true,
    ...o,
  };
}

export interface RunFolder {
  readonly runId: string;
  readonly manifest?: Partial<RunManifest>;
  readonly calls?: readonly CallRecord[];
  /** Written as drill.json; null writes none. */
  readonly drill?: DrillVerdict | null;
  readonly faults?: readonly FaultLogEntry[];
  readonly ledger?: boolean;
}

/**
 * Writes manifest.json, calls.jsonl, ledger.json, faults.jsonl and drill.json into root/runId,
 * every record stamped with the folder's run id (the reader refuses records of another run).
 */
export function writeRunFolder(root: string, run: RunFolder): string {
  const dir = join(root, run.runId);
  mkdirSync(dir, { recursive: true });
  const calls = (run.calls ?? healthyCalls()).map((c) => ({ ...c, runId: run.runId }));
  writeFileSync(join(dir, 'manifest.json'), JSON.stringify(manifest(run.runId, run.manifest)));
  writeFileSync(join(dir, 'calls.jsonl'), calls.map((c) => `${JSON.stringify(c)}\n`).join(''));
  const faults = (run.faults ?? (run.manifest?.drill ? faultLines('f1', 900_000, 2_400_000) : [])).map(
    (f) => ({ ...f, runId: run.runId }),
  );
  writeFileSync(join(dir, 'faults.jsonl'), faults.map((f) => `${JSON.stringify(f)}\n`).join(''));
  if (run.ledger !== false) {
    const sum = (k: 'expected' | 'landed' | 'lost' | 'duplicate' | 'unexpected') =>
      calls.reduce((n, c) => n + c.writes[k], 0);
    writeFileSync(
      join(dir, 'ledger.json'),
      JSON.stringify({
        schema: 'callstorm.ledger/v1',
        totals: {
          expected: sum('expected'),
          landed: sum('landed'),
          lost: sum('lost'),
          duplicate: sum('duplicate'),
          unexpected: sum('unexpected'),
        },
      }),
    );
  }
  const drill = run.drill === undefined && run.manifest?.drill ? passedDrill(run.manifest.drill) : run.drill;
  if (drill) writeFileSync(join(dir, 'drill.json'), JSON.stringify(drill));
  return dir;
}

export const SCALE_DRILLS = ['llm-regional-outage', 'crm-rate-limiting', 'asr-confidence-collapse'] as const;

/** A baseline and the three drills of the scale gate, all healthy. */
export function healthyScaleRuns(root: string): string[] {
  return [
    writeRunFolder(root, { runId: 'baseline' }),
    ...SCALE_DRILLS.map((d) => writeRunFolder(root, { runId: d, manifest: { drill: d } })),
  ];
}
