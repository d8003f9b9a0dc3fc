import { join } from 'node:path';
import type { FaultLagSummary } from '../chaos/fault-lag.ts';
import { evaluationContext } from '../run-folder/evaluation-context.ts';
import type { CallRecord } from '../telemetry/call-record.ts';
import type { FaultTimeliness, ProcessHealth } from '../telemetry/run-manifest.ts';
import {
  RUN_MANIFEST_SCHEMA,
  type RunManifest,
  type RunWiringRecord,
  writeManifest,
} from '../telemetry/run-manifest.ts';
import type { CallObservation } from './call-observation.ts';
import { harnessProblems } from './harness-limits.ts';
import type { DriverSummary } from './open-model-driver.ts';
import { presentRunFiles } from './run-folder.ts';
import { RunLoadMeter } from './run-load.ts';
import type { RunPlan } from './run-plan.ts';
import type { RunSession } from './run-session.ts';

const VERSION = '0.1.0';

/**
 * `manifest.json` over a run's life: written as soon as the run starts (`status: running`,
 * `complete: false`, which a killed run leaves behind), updated as resources come up, and finished
 * from the session when the run ends. It subscribes to judged calls for the run's load.
 */
export class RunManifestWriter {
  readonly path: string;
  readonly #plan: RunPlan;
  readonly #meter = new RunLoadMeter();
  #manifest: RunManifest;
  #counts: Readonly<Record<string, number>> = {};
  #summary: DriverSummary | null = null;
  #processes: { simulators: ProcessHealth | null; agent: ProcessHealth | null } = {
    simulators: null,
    agent: null,
  };
  #faultTiming: (() => FaultLagSummary) | null = null;

  constructor(plan: RunPlan) {
    const { request: r, scenario, generator, runId, dir, deadline } = plan;
    const w = generator.window;
    this.#plan = plan;
    this.path = join(dir, 'manifest.json');
    this.#manifest = {
      schema: RUN_MANIFEST_SCHEMA,
      runId,
      status: 'running',
      complete: false,
      invalid: null,
      reason: null,
      scenario: {
        vertical: scenario.vertical.name,
        stage: scenario.stage.name,
        window: w.spec,
        windowStart: new Date(w.startMs).toISOString(),
        windowEnd: new Date(w.endMs).toISOString(),
        expectedCalls: w.expectedCalls,
        seed: r.seed,
        speed: r.speed,
      },
      drill: null,
      agent: r.agent,
      simulators: { mode: r.simulators ?? 'process', pid: null },
      network: { mode: 'none', detail: 'no drill: no faults injected' },
      versions: { callstorm: VERSION, node: process.version },
      startedAt: new Date().toISOString(),
      endedAt: null,
      counts: {},
      driver: null,
      files: ['manifest.json', ...presentRunFiles(dir).filter((f) => f !== 'manifest.json')],
      deadline: { ...deadline, reached: false },
      evaluation: evaluationContext(scenario, r.drillSource?.definition ?? null, {
        vertical: r.vertical,
        stage: r.stage,
        ...(r.drillSource ? { drill: r.drillSource.ref } : {}),
      }),
    };
    this.#write();
  }

  get manifest(): RunManifest {
    return this.#manifest;
  }

  /** Records what is known now (where the simulators run, the drill, the transport). */
  set(patch: Partial<RunManifest>): void {
    this.#manifest = { ...this.#manifest, ...patch };
    this.#write();
  }

  /** Records the wiring, or part of it once it is known (the agent, the wrong-wiring check). */
  setWiring(patch: Partial<RunWiringRecord>): void {
    const base: RunWiringRecord = this.#manifest.wiring ?? {
      simulators: {},
      proxies: [],
      portBase: null,
      file: null,
      agent: null,
      check: null,
    };
    this.set({ wiring: { ...base, ...patch } });
  }

  /** The run's live counters (the recorder's), read when the run ends. */
  countFrom(counters: Readonly<Record<string, number>>): void {
    this.#counts = counters;
  }

  /** Subscribes to judged calls. */
  observe(_record: CallRecord, observation: CallObservation): void {
    this.#meter.observe(observation);
  }

  /** The driver's summary, once it has run. */
  driven(summary: DriverSummary): void {
    this.#summary = summary;
  }

  /** What the simulators' and the agent's processes reported of their own health when the calls ended. */
  processHealth(health: { simulators: ProcessHealth | null; agent: ProcessHealth | null }): void {
    this.#processes = health;
  }

  /** How late the drill's faults took effect, read when the run ends (runs with a drill). */
  faultTimingFrom(read: () => FaultLagSummary): void {
    this.#faultTiming = read;
  }

  /** The final manifest: status and reason from the session, what exists in the folder. */
  finish(session: RunSession): void {
    const summary = this.#summary;
    const w = this.#plan.generator.window;
    const harness = {
      driver: summary
        ? { eventLoopDelayP99Ms: summary.eventLoopDelayP99Ms, cpuPercent: summary.cpuPercent }
        : null,
      ...this.#processes,
      faults: this.#faultTiming ? timeliness(this.#faultTiming()) : null,
    };
    // The driver's own schedule, then the rest of the harness: each problem blames its process.
    const problems = [
      ...(summary?.invalid ? [summary.invalid] : []),
      ...(summary ? harnessProblems(harness, this.#plan.request.speed) : []),
    ];
    this.set({
      status: session.status,
      complete: session.status === 'complete',
      reason: session.reason,
      invalid: problems.length > 0 ? problems.join('; ') : null,
      endedAt: new Date().toISOString(),
      counts: { ...this.#counts },
      driver: summary ? { ...summary } : null,
      files: presentRunFiles(this.#plan.dir),
      deadline: { ...this.#plan.deadline, reached: session.deadlineReached },
      load: this.#meter.load(summary, { expectedCalls: w.expectedCalls, windowMs: w.endMs - w.startMs }),
      harness,
    });
  }

  #write(): void {
    writeManifest(this.path, this.#manifest);
  }
}

/** The fault lag as the manifest keeps it: the latest ten late events. */
function timeliness(lag: FaultLagSummary): FaultTimeliness {
  return {
    measured: lag.measured,
    maxScenarioMs: lag.maxScenarioMs,
    maxWallMs: lag.maxWallMs,
    lateAfterWallMs: lag.lateAfterWallMs,
    late: lag.late.slice(0, 10),
  };
}
