import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { noChaos, type RunChaos } from '../../src/driver/run-chaos.ts';
import type { RunClock } from '../../src/driver/run-clock.ts';
import type { RunRequest } from '../../src/driver/run-request.ts';
import { type CallRecord, callRecordSchema } from '../../src/telemetry/call-record.ts';
import type { RunManifest } from '../../src/telemetry/run-manifest.ts';

/**
 * A short window (about 25 calls, 2 s of wall time at ×900) with in-process simulators. The
 * scripted agents these runs drive use no dependency at all, so the wrong-wiring check is off
 * (tests/driver/wiring-check.test.ts turns it on against such an agent).
 */
export const SHORT_RUN = {
  vertical: 'appointments',
  stage: 'hardening',
  window: '2026-03-02T09:00/2026-03-02T09:30',
  speed: 900,
  seed: 3,
  latency: 'zero',
  simulators: 'in-process',
  wiringCheck: false,
} as const satisfies Partial<RunRequest>;

export function freshDir(prefix: string): string {
  return join(mkdtempSync(join(tmpdir(), `callstorm-${prefix}-`)), 'run');
}

export function readRun(dir: string) {
  const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as RunManifest;
  const calls: CallRecord[] = readFileSync(join(dir, 'calls.jsonl'), 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => callRecordSchema.parse(JSON.parse(l)));
  const ledger = JSON.parse(readFileSync(join(dir, 'ledger.json'), 'utf8')) as {
    totals: Record<string, number>;
    unexpected: { callId?: string }[];
    unfinished: { calls: string[]; writes: { callId?: string }[] };
  };
  return { manifest, calls, ledger };
}

/** Chaos without faults that lets a test act on the run as it goes (stop it, count what it saw). */
export function watchingChaos(
  hooks: {
    onStart?: (clock: RunClock) => void;
    onRecord?: (n: number, record: CallRecord) => void;
    abortAfter?: number;
  } = {},
) {
  const seen = { records: 0, finished: 0, started: 0 };
  let abort: (reason: string) => void = () => {};
  let fault: Parameters<RunChaos['onFault']>[0] = () => {};
  const entry = (event: 'applied' | 'removed'): Parameters<typeof fault>[0] => ({
    schema: 'callstorm.fault/v1',
    event,
    runId: 'watch',
    drill: null,
    faultId: 'watch',
    target: null,
    via: null,
    type: null,
    scenarioMs: 0,
    plannedMs: 0,
    at: new Date(0).toISOString(),
  });
  const chaos: RunChaos = {
    ...noChaos,
    start(clock) {
      seen.started++;
      hooks.onStart?.(clock);
      fault(entry('applied'));
    },
    observe(record) {
      seen.records++;
      hooks.onRecord?.(seen.records, record);
      if (hooks.abortAfter === seen.records) abort(`${seen.records} calls seen`);
    },
    onAbort(listener) {
      abort = listener;
    },
    onFault(listener) {
      fault = listener;
    },
    async finish() {
      if (seen.finished++ === 0) fault(entry('removed'));
    },
  };
  return { seen, factory: async () => chaos };
}
