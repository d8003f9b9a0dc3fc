import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { ChaosOrchestrator } from '../../src/chaos/chaos-orchestrator.ts';
import { type Drill, parseDrill } from '../../src/chaos/drill-schema.ts';
import { summarizeFaultLag } from '../../src/chaos/fault-lag.ts';
import { type FaultLogEntry, readFaultLog } from '../../src/chaos/fault-log.ts';
import { FaultStates } from '../../src/chaos/fault-states.ts';
import { createRunChaos } from '../../src/chaos/run-chaos.ts';
import { noChaos } from '../../src/driver/run-chaos.ts';
import { createRunClock } from '../../src/driver/run-clock.ts';
import { loadScenario } from '../../src/scenario/load-scenario.ts';
import { type SimulatorSuite, startSimulators } from '../../src/simulation/start-simulators.ts';
import { eventually } from './toxiproxy-for-tests.ts';

const dir = mkdtempSync(join(tmpdir(), 'callstorm-lag-'));
const noToxiproxy = { url: null, serverPath: join(dir, 'no-such-toxiproxy-server') };

function drillOf(method: unknown[]): Drill {
  return parseDrill(
    {
      kind: 'Drill',
      name: 'lag-drill',
      title: 'lag',
      steadyStateHypothesis: { probes: [{ name: 'containment', metric: 'containment', min: 0 }] },
      method,
    },
    'test',
  );
}

const sim = (id: string, at: string, duration: string) => ({
  id,
  at,
  duration,
  target: 'crm',
  simulator: { type: 'noop' },
});

describe('fault lag, from the fault states', () => {
  test('on time, late, never applied, still active past its end: each with its scenario and wall lag', () => {
    const states = new FaultStates(
      drillOf([
        sim('on-time', '15m', '10m'),
        sim('llm-outage', '15m', '25m'),
        sim('never', '20m', '5m'),
        sim('stuck', '10m', '5m'),
        sim('future', '50m', '5m'),
      ]).method,
      false,
    );
    const [onTime, late, , stuck] = states.all; // `never` stays pending
    Object.assign(onTime!, {
      status: 'removed',
      appliedAtMs: 900_020,
      removedAtMs: 1_500_030,
      removedBy: 'timeline',
    });
    // What the issue saw: applied 171 s of scenario time late at ×100 (1.71 s of wall time).
    Object.assign(late!, { status: 'active', appliedAtMs: 900_000 + 171_000 });
    Object.assign(stuck!, { status: 'active', appliedAtMs: 600_000 });
    const summary = summarizeFaultLag(states.all, 100, 1_800_000);
    expect(summary).toMatchObject({ speed: 100, measured: 6, maxScenarioMs: 900_000, maxWallMs: 9000 });
    expect(summary.late).toEqual([
      {
        faultId: 'stuck',
        action: 'remove',
        plannedMs: 900_000,
        atMs: null,
        lagScenarioMs: 900_000,
        lagWallMs: 9000,
      },
      {
        faultId: 'never',
        action: 'apply',
        plannedMs: 1_200_000,
        atMs: null,
        lagScenarioMs: 600_000,
        lagWallMs: 6000,
      },
      {
        faultId: 'llm-outage',
        action: 'apply',
        plannedMs: 900_000,
        atMs: 1_071_000,
        lagScenarioMs: 171_000,
        lagWallMs: 1710,
      },
    ]);
    // 30 ms of scenario time at ×100 is 0.3 ms of wall time: not late.
    expect(summary.late.map((l) => l.faultId)).not.toContain('on-time');
    expect(summarizeFaultLag(states.all, 100, 1_800_000, 10_000).late).toEqual([]);
  });
});

describe('fault lag and fault events from a running orchestrator (emulated: no Toxiproxy)', () => {
  let suite: SimulatorSuite;
  beforeAll(async () => {
    suite = await startSimulators({
      scenario: loadScenario({ vertical: 'collections', stage: 'scale' }),
      seed: 1,
      latency: 'zero',
    });
  });
  afterAll(async () => {
    await suite?.close();
  });

  test('a fault applied after its planned time is logged with its lag and listed as late', async () => {
    const chaos = await ChaosOrchestrator.create({
      runId: 'lag',
      drill: drillOf([sim('late-one', '30s', '1h'), sim('later', '2h', '5m')]),
      endpoints: suite.endpoints,
      faultsLogPath: join(dir, 'lag.jsonl'),
      toxiproxy: noToxiproxy,
    });
    // Scenario time 0 was 2 s of wall time ago at ×100: the fault planned at 30 s comes 170 s late.
    chaos.start(createRunClock(100, performance.now() - 2000));
    await eventually(() => chaos.log.some((e) => e.event === 'applied'), 3000, 'the fault');
    await chaos.finish();
    const applied = readFaultLog(join(dir, 'lag.jsonl')).find((e) => e.event === 'applied')!;
    expect(applied).toMatchObject({ faultId: 'late-one', plannedMs: 30_000 });
    expect(applied.lagScenarioMs).toBe(applied.scenarioMs - 30_000);
    expect(applied.lagScenarioMs).toBeGreaterThanOrEqual(170_000);
    expect(applied.lagWallMs).toBeCloseTo(applied.lagScenarioMs! / 100, 0);
    expect(applied.requestWallMs).toBeGreaterThan(0);
    const lag = chaos.applyLag();
    expect(lag.late).toEqual([expect.objectContaining({ faultId: 'late-one', action: 'apply' })]);
    expect(lag.maxWallMs).toBeGreaterThanOrEqual(1700);
    // Removed by the rollback before its planned end: no removal lag, and `later` was never due.
    expect(lag.measured).toBe(1);
  });

  test('createRunChaos: the run hears every fault line (for the fault.applied / fault.removed counters) and gets the lag', async () => {
    const runDir = mkdtempSync(join(dir, 'run-'));
    const chaos = await createRunChaos({
      drill: drillOf([sim('a', '0s', '1m'), sim('b', '0s', '2m')]),
      runId: 'counted',
      runDir,
      simulators: suite,
      seed: 1,
      toxiproxy: noToxiproxy,
    });
    const counts: Record<string, number> = {};
    const seen: FaultLogEntry[] = [];
    chaos.onFault((entry) => {
      seen.push(entry);
      counts[entry.event] = (counts[entry.event] ?? 0) + 1;
    });
    chaos.start(createRunClock(600));
    await eventually(() => (counts['removed'] ?? 0) === 2, 3000, 'both faults to come and go');
    await chaos.finish();
    expect(counts).toMatchObject({ applied: 2, removed: 2 });
    const lines = readFaultLog(join(runDir, 'faults.jsonl'));
    expect(seen).toEqual(lines);
    expect(chaos.applyLag()).toMatchObject({ measured: 4, lateAfterWallMs: 250 });
    expect(noChaos.applyLag()).toMatchObject({ measured: 0, maxWallMs: 0, late: [] });
  });
});
