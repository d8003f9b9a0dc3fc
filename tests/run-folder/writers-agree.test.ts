import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, expectTypeOf, test } from 'vitest';
import { FaultLog, type FaultLogEntry } from '../../src/chaos/fault-log.ts';
import type { FaultLogLine } from '../../src/run-folder/fault-log-schema.ts';
import type { manifestSchema } from '../../src/run-folder/manifest-schema.ts';
import { readRunFolder } from '../../src/run-folder/read-run-folder.ts';
import { RunFolderWriter } from '../../src/run-folder/run-folder-writer.ts';
import type { RunManifest } from '../../src/telemetry/run-manifest.ts';
import { RunRecorder } from '../../src/telemetry/run-recorder.ts';
import { outageCalls, writeValidRunFolder } from './valid-run-folder.ts';

const root = mkdtempSync(join(tmpdir(), 'callstorm-writers-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

test('the schemas and the writers’ types describe the same artefacts', () => {
  type Parsed = import('zod').z.output<typeof manifestSchema>;
  expectTypeOf<Parsed>().toExtend<RunManifest>();
  // The other way round up to readonly-ness: the same fields, none left unchecked.
  expectTypeOf<keyof RunManifest>().toEqualTypeOf<keyof Parsed>();
  expectTypeOf<keyof RunManifest['scenario']>().toEqualTypeOf<keyof Parsed['scenario']>();
  expectTypeOf<FaultLogEntry>().toExtend<FaultLogLine>();
  expectTypeOf<FaultLogLine>().toExtend<FaultLogEntry>();
});

test('what the run’s own writers write (RunRecorder, FaultLog) the reader accepts', () => {
  const dir = writeValidRunFolder(join(root, 'run'), { drill: true });
  rmSync(join(dir, 'calls.jsonl'));
  rmSync(join(dir, 'faults.jsonl'));
  const recorder = new RunRecorder(dir, { flushEveryMs: 0 });
  for (const c of outageCalls('valid-run', 40)) recorder.record(c);
  // 6 × 800, 950, 1100 ms … : the 20th of 40 sorted values is 1250 (nearest rank, exact).
  expect(recorder.voiceToVoice(50)).toBe(1250);
  recorder.close();
  const log = new FaultLog(join(dir, 'faults.jsonl'));
  const base = {
    runId: 'valid-run',
    drill: 'llm-regional-outage',
    target: 'llm-primary-eu',
    via: 'emulated' as const,
  };
  log.append({
    ...base,
    event: 'applied',
    faultId: 'llm-primary-down',
    type: 'down',
    scenarioMs: 900_000,
    plannedMs: 900_000,
  });
  log.append({
    ...base,
    event: 'removed',
    faultId: 'llm-primary-down',
    type: 'down',
    scenarioMs: 2_400_000,
    plannedMs: 2_400_000,
  });
  log.append({
    ...base,
    event: 'rollback',
    faultId: null,
    target: null,
    via: null,
    type: null,
    scenarioMs: 3_600_000,
    plannedMs: null,
    detail: { left: [] },
  });
  log.close();
  const f = readRunFolder(dir);
  expect(f.calls).toHaveLength(40);
  expect(f.faults.map((e) => e.event)).toEqual(['applied', 'removed', 'rollback']);
  expect(f.histograms?.metrics['call.turn.voice_to_voice_ms']?.total.count).toBe(40);
});

test('the writer refuses to write what the reader would refuse (a callstorm bug, not bad input)', () => {
  const folder = new RunFolderWriter(join(root, 'refused'));
  const [c] = outageCalls('x', 1);
  expect(() => folder.writeCalls([{ ...c!, endedAtMs: -1 }])).toThrow(
    /CS_ERR_INTERNAL|refusing to write calls.jsonl that the run folder reader would refuse: endedAtMs: must be ≥ 0/,
  );
});
