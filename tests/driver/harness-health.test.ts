import { mkdirSync } from 'node:fs';
import { afterEach, expect, test } from 'vitest';
import { HARNESS_LIMITS, harnessProblems } from '../../src/driver/harness-limits.ts';
import { processHealthAt } from '../../src/driver/process-health-source.ts';
import { RunManifestWriter } from '../../src/driver/run-manifest-writer.ts';
import { planRun } from '../../src/driver/run-plan.ts';
import { RunSession } from '../../src/driver/run-session.ts';
import { loadScenario } from '../../src/scenario/load-scenario.ts';
import { type SimulatorSuite, startSimulators } from '../../src/simulation/start-simulators.ts';
import type { HarnessHealth } from '../../src/telemetry/run-manifest.ts';
import { startAgentFor } from '../agent/agent-harness.ts';
import { freshDir, SHORT_RUN } from './run-fixtures.ts';

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close();
});

/** Holds this process's event loop for `ms`: exactly what a saturated machine does to a simulator. */
function blockEventLoop(ms: number): void {
  const until = performance.now() + ms;
  while (performance.now() < until) {
    // busy
  }
}

/** Lets the event-loop monitor take its samples around a blocked loop. */
const tick = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function suite(): Promise<SimulatorSuite> {
  const s = await startSimulators({
    scenario: loadScenario({ vertical: 'collections', stage: 'pilot' }),
    seed: 1,
    latency: 'zero',
  });
  closers.push(() => s.close());
  return s;
}

const healthy = { eventLoopDelayP99Ms: 12, cpuPercent: 40 };

test('the harness is blamed by process, with the speed to lower', () => {
  const h: HarnessHealth = {
    driver: healthy,
    simulators: { eventLoopDelayP99Ms: 180, cpuPercent: 97 },
    agent: healthy,
    faults: null,
  };
  expect(harnessProblems(h, 100)).toEqual([
    `the simulators' event loop lagged p99 180 ms (limit ${HARNESS_LIMITS.eventLoopDelayP99Ms} ms): this machine cannot carry ×100; lower --speed`,
    `the simulators' process used 97 % of a core (limit ${HARNESS_LIMITS.cpuPercent} %), saturated: this machine cannot carry ×100; lower --speed`,
  ]);
  expect(harnessProblems({ ...h, simulators: healthy }, 100)).toEqual([]);
  expect(
    harnessProblems({ ...h, simulators: null, agent: { eventLoopDelayP99Ms: 240, cpuPercent: null } }, 120),
  ).toEqual([
    "the reference agent's event loop lagged p99 240 ms (limit 100 ms): this machine cannot carry ×120; lower --speed",
  ]);
});

test('a fault applied late against the drill’s timeline makes the run invalid, naming the fault', () => {
  const late = { faultId: 'llm-outage', action: 'apply' as const, plannedMs: 900_000 };
  const h: HarnessHealth = {
    driver: healthy,
    simulators: healthy,
    agent: healthy,
    faults: {
      measured: 4,
      maxScenarioMs: 171_000,
      maxWallMs: 1710,
      lateAfterWallMs: 250,
      late: [
        { ...late, atMs: 1_071_000, lagScenarioMs: 171_000, lagWallMs: 1710 },
        { ...late, action: 'remove', atMs: null, lagScenarioMs: 60_000, lagWallMs: 600 },
      ],
    },
  };
  expect(harnessProblems(h, 100)).toEqual([
    "fault llm-outage was applied 1.7 s late (171 s of scenario time at ×100; limit 250 ms), and 1 more fault events late: the chaos orchestrator could not keep the drill's timeline; lower --speed",
  ]);
  expect(harnessProblems({ ...h, faults: { ...h.faults!, late: [] } }, 100)).toEqual([]);
});

test('the simulators report their own event-loop delay and CPU on the CRM control API, reset on request', async () => {
  const s = await suite();
  const health = processHealthAt(`${s.crm.controlUrl}/process`);
  await health.reset();
  await tick(50);
  blockEventLoop(300);
  await tick(50);
  const lagging = await health.read();
  expect(lagging!.eventLoopDelayP99Ms).toBeGreaterThanOrEqual(250);
  // 300 ms of the ~400 ms measured were spent busy (the rest in timers and the HTTP requests).
  expect(lagging!.cpuPercent).toBeGreaterThan(30);
  // Reset: measuring starts afresh, the blocked loop is forgotten.
  await health.reset();
  await tick(100);
  const calm = await health.read();
  expect(calm!.eventLoopDelayP99Ms ?? 0).toBeLessThan(250);
});

test('the reference agent reports its own health at /__agent/process (loopback only)', async () => {
  const s = await suite();
  const agent = await startAgentFor(s, 'production');
  closers.push(() => agent.close());
  const health = processHealthAt(`${agent.url}/__agent/process`);
  await health.reset();
  await tick(50);
  blockEventLoop(300);
  await tick(50);
  expect((await health.read())!.eventLoopDelayP99Ms).toBeGreaterThanOrEqual(250);
});

test('a source that does not answer reads as nothing reported, never failing the run', async () => {
  const health = processHealthAt('http://127.0.0.1:9/nothing-here');
  await expect(health.reset()).resolves.toBeUndefined();
  await expect(health.read()).resolves.toBeNull();
});

test('the manifest records every process beside the driver, and a lagging one makes the run invalid', () => {
  const plan = planRun({ ...SHORT_RUN, agent: 'http://127.0.0.1:1', out: freshDir('harness') });
  mkdirSync(plan.dir, { recursive: true });
  const writer = new RunManifestWriter(plan);
  writer.driven({
    planned: 1,
    started: 1,
    finished: 1,
    interrupted: 0,
    late: 0,
    startLag: { p50Ms: 1, p99Ms: 2, maxMs: 2 },
    eventLoopDelayP99Ms: 11,
    peakInFlight: 1,
    meanInFlight: 1,
    cpuPercent: 30,
    invalid: null,
    stopped: false,
  });
  writer.processHealth({ simulators: { eventLoopDelayP99Ms: 180, cpuPercent: 60 }, agent: healthy });
  const session = new RunSession();
  session.complete();
  writer.finish(session);
  expect(writer.manifest.harness).toEqual({
    driver: { eventLoopDelayP99Ms: 11, cpuPercent: 30 },
    simulators: { eventLoopDelayP99Ms: 180, cpuPercent: 60 },
    agent: healthy,
    faults: null,
  });
  expect(writer.manifest.invalid).toBe(
    "the simulators' event loop lagged p99 180 ms (limit 100 ms): this machine cannot carry ×900; lower --speed",
  );
});
