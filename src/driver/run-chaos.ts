import type { SimulatorEndpoints } from '../../simulators/simulator-endpoints.ts';
import { type FaultLagSummary, NO_FAULT_LAG } from '../chaos/fault-lag.ts';
import type { FaultLogEntry } from '../chaos/fault-log.ts';
import type { CallRecord } from '../telemetry/call-record.ts';
import type { RunManifest } from '../telemetry/run-manifest.ts';
import type { DependencyUrls } from './agent-targets.ts';
import type { RunClock } from './run-clock.ts';

/** A fault event of the chaos side: a line of `faults.jsonl` (`applied`, `removed`, …). */
export type ChaosFaultEvent = FaultLogEntry;

/** One Toxiproxy proxy in front of a simulator endpoint, as the wiring and the manifest show it. */
export interface ProxyWiring {
  /** The simulator endpoint's name (`asr`, `llm-primary-eu`, …). */
  readonly endpoint: string;
  /** Its name in Toxiproxy (`callstorm-<run id>-<endpoint>`). */
  readonly proxyName: string;
  /** `127.0.0.1:<port>` the proxy listens on: what the agent connects to. */
  readonly listen: string;
  /** `127.0.0.1:<port>` of the simulator behind it. */
  readonly upstream: string;
  /** The simulator's base URL through the proxy. */
  readonly url: string;
}

/** What the chaos side of a run provides; a run without a drill uses `noChaos`. */
export interface RunChaos {
  readonly drill: string | null;
  readonly network: RunManifest['network'];
  /** The Toxiproxy proxies in front of the simulators (none without a drill or when emulated). */
  readonly proxies: readonly ProxyWiring[];
  /** The URLs the agent should use for its dependencies (Toxiproxy proxies when there are any). */
  dependencyUrls(simulators: SimulatorEndpoints): DependencyUrls;
  start(clock: RunClock): void;
  /** Subscribes to judged calls (stop conditions). */
  observe(record: CallRecord): void;
  faultsDuring(fromMs: number, toMs: number): readonly string[];
  /** Names of the faults active now (progress display). */
  activeNow(): readonly string[];
  /** Called with a reason when a stop condition fires. */
  onAbort(listener: (reason: string) => void): void;
  /** Called for every fault event (the run's `fault.applied` / `fault.removed` counters). */
  onFault(listener: (fault: ChaosFaultEvent) => void): void;
  /** How late faults were applied and removed against their planned scenario time (harness health). */
  applyLag(): FaultLagSummary;
  /** Removes every fault; always runs; idempotent. */
  finish(): Promise<void>;
  /** The drill's verdict over the run's calls, written as drill.json (null without a drill). */
  verdict(records: readonly CallRecord[]): unknown;
}

export function directDependencyUrls(simulators: SimulatorEndpoints): DependencyUrls {
  return {
    asr: simulators.asr.url,
    tts: simulators.tts.url,
    crm: simulators.crm.url,
    llm: Object.values(simulators.llm).map((e) => ({ name: e.name, url: e.url, region: e.region })),
  };
}

export const noChaos: RunChaos = {
  drill: null,
  network: { mode: 'none', detail: 'no drill: no faults injected' },
  proxies: [],
  dependencyUrls: directDependencyUrls,
  start() {},
  observe() {},
  faultsDuring: () => [],
  activeNow: () => [],
  onAbort() {},
  onFault() {},
  applyLag: () => NO_FAULT_LAG,
  async finish() {},
  verdict: () => null,
};
