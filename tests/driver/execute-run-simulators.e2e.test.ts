import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { executeRun } from '../../src/driver/execute-run.ts';
import { noChaos } from '../../src/driver/run-chaos.ts';
import { readCalls } from '../../src/driver/run-wind-down.ts';
import type { SimulatorSuite } from '../../src/simulation/start-simulators.ts';
import type { RunManifest } from '../../src/telemetry/run-manifest.ts';
import { processAlive } from '../helpers/process-alive.ts';

const base = {
  vertical: 'appointments',
  stage: 'hardening',
  window: '2026-03-02T09:00/2026-03-02T10:00',
  // ×900 makes the simulators' event loop lag past the harness limits on a busy 2-core machine.
  speed: 240,
  seed: 3,
  agent: 'reference:production',
  latency: 'zero',
} as const;

function artefacts(dir: string) {
  const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as RunManifest;
  const ledger = JSON.parse(readFileSync(join(dir, 'ledger.json'), 'utf8'));
  const writes = Object.fromEntries(readCalls(join(dir, 'calls.jsonl')).map((c) => [c.callId, c.writes]));
  return { manifest, ledger, writes };
}

test('a run through child-process simulators reconciles writes as an in-process run does on the same seed', async () => {
  const root = mkdtempSync(join(tmpdir(), 'callstorm-sims-'));
  let suite: SimulatorSuite | null = null;
  const inProcess = await executeRun({
    ...base,
    out: join(root, 'in-process'),
    simulators: 'in-process',
    chaos: async (ctx) => {
      suite = ctx.suite;
      return noChaos;
    },
  });
  const child = await executeRun({ ...base, out: join(root, 'process') });

  const a = artefacts(inProcess.dir);
  const b = artefacts(child.dir);
  expect(a.manifest.simulators).toEqual({ mode: 'in-process', pid: null });
  expect(b.manifest.simulators?.mode).toBe('process');
  const pid = b.manifest.simulators?.pid ?? 0;
  expect(pid).toBeGreaterThan(0);
  expect(processAlive(pid)).toBe(false);
  for (const m of [a.manifest, b.manifest]) expect(m).toMatchObject({ status: 'complete', invalid: null });

  // In-process, the suite's own state is there to inspect.
  expect((suite as SimulatorSuite | null)?.crm.service.ledger.size).toBe(a.ledger.ledgerSize);

  expect(Object.keys(b.writes).length).toBeGreaterThan(10);
  expect(b.ledger.totals.expected).toBeGreaterThan(5);
  expect(b.writes).toEqual(a.writes);
  expect(b.ledger.totals).toEqual(a.ledger.totals);
  expect(b.ledger.ledgerSize).toBe(a.ledger.ledgerSize);
  expect(b.ledger.lost).toEqual(a.ledger.lost);
  expect(b.ledger.duplicate).toEqual(a.ledger.duplicate);
  const ops = (l: { unexpected: { callId?: string; op: string; args: unknown }[] }) =>
    l.unexpected.map((u) => [u.callId, u.op, u.args]);
  expect(ops(b.ledger)).toEqual(ops(a.ledger));
}, 120_000);
