import type { EvaluationContext } from '../run-folder/evaluation-context-schema.ts';
import { writeJsonAtomic } from './write-json-atomic.ts';

export const RUN_MANIFEST_SCHEMA = 'callstorm.run/v1' as const;

/** running: in progress or killed; complete: every planned call ran; the others say why not. */
export type RunStatus = 'running' | 'complete' | 'interrupted' | 'aborted' | 'failed';

/** One process's own health over a run (null where it reported nothing). */
export interface ProcessHealth {
  /** p99 of its event-loop delay, ms. */
  readonly eventLoopDelayP99Ms: number | null;
  /** CPU it used while the calls ran, % of one core. */
  readonly cpuPercent: number | null;
}

/** A fault applied or removed later than the timeline planned (or not at all by the end). */
export interface FaultLag {
  readonly faultId: string;
  readonly action: 'apply' | 'remove';
  /** Scenario ms the timeline planned it for. */
  readonly plannedMs: number;
  /** Scenario ms it took effect; null: it had not happened when the run stopped. */
  readonly atMs: number | null;
  readonly lagScenarioMs: number;
  /** The same lag in wall time (scenario ms ÷ speed): what the harness was late by. */
  readonly lagWallMs: number;
}

/** How late the chaos orchestrator applied and removed a drill's faults against their planned time. */
export interface FaultTimeliness {
  /** Applies and removes measured. */
  readonly measured: number;
  readonly maxScenarioMs: number;
  readonly maxWallMs: number;
  /** A fault counts as late beyond this many wall ms. */
  readonly lateAfterWallMs: number;
  /** The latest applies and removes beyond it, latest first (at most 10). */
  readonly late: readonly FaultLag[];
}

/**
 * Whether the harness itself could carry the run: each of its processes' own health (null where
 * that process reported nothing: an agent callstorm did not start, simulators that did not
 * answer), and how late the drill's faults took effect.
 */
export interface HarnessHealth {
  readonly driver: ProcessHealth | null;
  readonly simulators: ProcessHealth | null;
  readonly agent: ProcessHealth | null;
  /** Null or absent: no drill (or a manifest written before callstorm recorded it). */
  readonly faults?: FaultTimeliness | null;
}

/** What `--speed` did to the load: calls in progress as driven against the scenario in real time. */
export interface RunLoad {
  /** Calls in progress at once as the driver drove them (wall time): the load the agent carried. */
  readonly offered: { readonly peak: number; readonly mean: number };
  /**
   * The same traffic at speed 1 (Little's law): the window's mean arrival rate × the mean
   * real-time duration of the calls that finished (caller speech and pauses, the agent's audio,
   * the agent's response times). Null duration and concurrency: no call finished.
   */
  readonly realTime: {
    readonly arrivalsPerSecond: number;
    readonly meanCallSeconds: number | null;
    readonly concurrency: number | null;
  };
  /** offered.mean ÷ realTime.concurrency: how many times its real-time load the scenario was driven at. */
  readonly factor: number | null;
}

/** One dependency endpoint as the agent was told to use it (the wiring file's entries). */
export interface WiredEndpointRecord {
  readonly kind: string;
  /** What the agent must use: the simulator, or its Toxiproxy proxy when network faults are real. */
  readonly url: string;
  /** The simulator's control API (never proxied). */
  readonly controlUrl: string;
  readonly region?: string;
}

/** How the agent was wired to the run's dependencies (docs/wiring.md). */
export interface RunWiringRecord {
  /** By endpoint name, what the agent was given (`CALLSTORM_WIRING`, `--wiring-out`). */
  readonly simulators: Readonly<Record<string, WiredEndpointRecord>>;
  /** The Toxiproxy proxies in front of the simulators (empty without real network faults). */
  readonly proxies: readonly {
    readonly endpoint: string;
    readonly proxyName: string;
    readonly listen: string;
    readonly upstream: string;
  }[];
  /** `--simulators-port-base`, or null (free ports). */
  readonly portBase: number | null;
  /** Where `--wiring-out` wrote the wiring, or null. */
  readonly file: string | null;
  /** The agent the run started with `--agent-cmd`, or null. */
  readonly agent: {
    readonly command: string;
    readonly pid: number;
    readonly port: number;
    readonly url: string;
    /** Its stdout and stderr, in the run folder. */
    readonly log: string;
    /** From spawning it to its port accepting connections (wall ms). */
    readonly readyMs: number;
  } | null;
  /**
   * The wrong-wiring check: `passed` (the simulators served requests during the first finished
   * calls), `failed` (they served none: the run stopped), `undecided` (no call qualified, or the
   * evidence could not be read), `off` (`--no-wiring-check`). Null until decided.
   */
  readonly check: {
    readonly result: 'passed' | 'failed' | 'undecided' | 'off';
    /** The finished calls the check judged by. */
    readonly calls: readonly string[];
    /** Requests the simulated APIs served by then, by endpoint (null when unread). */
    readonly requests: Readonly<Record<string, number>> | null;
    readonly detail: string;
  } | null;
}

/** `manifest.json`: what was run, with what, and whether it finished. */
export interface RunManifest {
  readonly schema: typeof RUN_MANIFEST_SCHEMA;
  readonly runId: string;
  readonly status: RunStatus;
  /** True only when the run ended normally; a killed run leaves `false` behind. */
  readonly complete: boolean;
  /** Set when the driver could not keep the schedule: the results under-drive the scenario. */
  readonly invalid: string | null;
  readonly reason: string | null;
  readonly scenario: {
    readonly vertical: string;
    readonly stage: string;
    readonly window: string;
    readonly windowStart: string;
    readonly windowEnd: string;
    readonly expectedCalls: number;
    readonly seed: number;
    readonly speed: number;
  };
  readonly drill: string | null;
  readonly agent: string;
  /**
   * Where the dependency simulators ran: in a child process (its pid) or in the run's own process.
   * Absent in manifests written before callstorm 0.1.0 recorded it.
   */
  readonly simulators?: { readonly mode: 'process' | 'in-process'; readonly pid: number | null };
  /** How network faults were injected: a real Toxiproxy, emulated inside the simulators, or none needed. */
  readonly network: { readonly mode: 'toxiproxy' | 'emulated' | 'none'; readonly detail: string };
  readonly versions: { readonly callstorm: string; readonly node: string };
  readonly startedAt: string;
  readonly endedAt: string | null;
  readonly counts: Readonly<Record<string, number>>;
  readonly driver: Readonly<Record<string, unknown>> | null;
  /** The files the run folder holds (those that exist when the run ends). */
  readonly files: readonly string[];
  /** How the agent was reached (`http`); absent in manifests written before it was recorded. */
  readonly transport?: string;
  /** What the callers sent as audio (`tagged` or `speech`); absent before callstorm recorded it. */
  readonly callerAudio?: 'tagged' | 'speech';
  /** The run's deadline: wall ms from the start of driving (window ÷ speed + grace), and whether it ended the run. */
  readonly deadline?: { readonly wallMs: number; readonly graceMs: number; readonly reached: boolean };
  /** Offered concurrency against the scenario's real-time concurrency (null when no call started). */
  readonly load?: RunLoad | null;
  /**
   * Whether the harness itself could carry the run: the driver's, the simulators' and (when
   * callstorm started it) the reference agent's event-loop delay and CPU, and the drill's fault
   * timing. Thresholds on them make the run `invalid` (docs/reports.md, "Harness health").
   */
  readonly harness?: HarnessHealth;
  /**
   * What evaluating the run needs (flow categories, digests of the scenario files, the resolved
   * drill): `evaluationContext()` in src/run-folder computes it. Absent in manifests written before
   * callstorm recorded it; those are evaluated from the shipped scenario files, with a note.
   */
  readonly evaluation?: EvaluationContext;
  /** How the agent reached the run's dependencies; absent in manifests written before it was recorded. */
  readonly wiring?: RunWiringRecord;
}

export function writeManifest(path: string, manifest: RunManifest): void {
  writeJsonAtomic(path, manifest);
}
