import { EventEmitter } from 'node:events';
import type { RunClock } from '../driver/run-clock.ts';
import type { CallRecord } from '../telemetry/call-record.ts';
import { DEFAULT_ROLLBACKS, type RollbackReport, rollbackFaults } from './chaos-rollback.ts';
import { createDependencyProxies, type DependencyProxies } from './dependency-proxies.ts';
import type { Drill } from './drill-schema.ts';
import { FaultActions, type FaultEventEntry } from './fault-actions.ts';
import { type ChaosEndpoint, checkDrillTargets, FaultApplier } from './fault-applier.ts';
import { type FaultLagSummary, LATE_FAULT_AFTER_WALL_MS, summarizeFaultLag } from './fault-lag.ts';
import { FaultLog, type FaultLogEntry } from './fault-log.ts';
import { type EmulationNote, FaultStates, type FaultWindow } from './fault-states.ts';
import { FaultTimeline } from './fault-timeline.ts';
import { RunLease } from './run-lease.ts';
import { removeStaleProxies } from './stale-proxies.ts';
import { StopConditionMonitor, type StopTrigger } from './stop-condition-monitor.ts';
import { ToxicSwitchboard } from './toxic-switchboard.ts';
import {
  type ProvisionOptions,
  provisionToxiproxy,
  type ToxiproxyProvision,
} from './toxiproxy-provisioner.ts';

export type { ChaosEndpoint, EmulationNote, FaultWindow, RollbackReport };

export interface ChaosOrchestratorOptions {
  /** Proxy names and fault log lines carry it; a second live run with the same id is refused. */
  readonly runId: string;
  /** Without a drill: proxies only, no faults. */
  readonly drill?: Drill | null;
  readonly endpoints: readonly ChaosEndpoint[];
  /** `reports/<run>/faults.jsonl`; null keeps the log in memory only. */
  readonly faultsLogPath?: string | null;
  /** Where Toxiproxy comes from (TOXIPROXY_URL, `.tools/`, or emulated). */
  readonly toxiproxy?: ProvisionOptions;
  /** Proxies on fixed ports from this base, in the order of `endpoints` (`--simulators-port-base`). */
  readonly proxyPortBase?: number;
  /** Per request to Toxiproxy or a control API while running (ms, default 3000). */
  readonly requestTimeoutMs?: number;
  /** Per request during rollback (ms, default 1500), so a rollback is bounded. */
  readonly rollbackTimeoutMs?: number;
}

export interface ChaosEvents {
  /** Every line written to faults.jsonl (count `applied` and `removed` for the run's counters). */
  fault: [entry: FaultLogEntry];
  /** A stop condition fired; the orchestrator has started rolling back. Stop the driver. */
  abort: [trigger: StopTrigger];
}

interface Provisioned {
  readonly provision: ToxiproxyProvision;
  readonly lease: RunLease | null;
  readonly proxies: DependencyProxies | null;
  readonly stale: readonly string[];
}

/**
 * Runs a drill's timeline against a run's simulators: network faults on Toxiproxy proxies in
 * front of each simulator endpoint (or emulated inside the simulators when there is no
 * Toxiproxy), simulator faults through their control APIs, each applied and removed at its
 * scenario time on the run clock and logged to faults.jsonl. Watches finished calls for stop
 * conditions. `rollback()` and `finish()` are idempotent and bounded; see rollback-guard.ts.
 */
export class ChaosOrchestrator extends EventEmitter<ChaosEvents> {
  readonly runId: string;
  readonly drill: Drill | null;
  readonly toxiproxy: ToxiproxyProvision;
  /** `toxiproxy`: network faults are real; `emulated`: stand-ins in the simulators (see `emulation`). */
  readonly mode: 'toxiproxy' | 'emulated';
  /** Base URL per endpoint name for the agent under test: through Toxiproxy, or direct when emulated. */
  readonly endpointUrls: Readonly<Record<string, string>>;
  readonly emulation: readonly EmulationNote[];
  readonly proxies: DependencyProxies | null;
  /** Proxies of killed runs found on a shared Toxiproxy at start and deleted (with their toxics). */
  readonly staleProxiesRemoved: readonly string[];
  readonly #lease: RunLease | null;
  readonly #applier: FaultApplier;
  readonly #log: FaultLog;
  readonly #states: FaultStates;
  readonly #actions: FaultActions;
  readonly #monitor: StopConditionMonitor;
  readonly #switchboard: ToxicSwitchboard | null;
  readonly #timeoutMs: number;
  readonly #rollbackTimeoutMs: number;
  #timeline: FaultTimeline | null = null;
  #stoppedAtMs: number | null = null;
  #rollback: Promise<RollbackReport> | null = null;
  #finish: Promise<RollbackReport> | null = null;

  /** Provisions Toxiproxy and the proxies; call `start(clock)` when scenario time begins. */
  static async create(options: ChaosOrchestratorOptions): Promise<ChaosOrchestrator> {
    checkDrillTargets(options.drill ?? null, options.endpoints);
    const timeoutMs = options.requestTimeoutMs ?? 3000;
    const provision = await provisionToxiproxy(options.toxiproxy);
    const client = provision.client;
    if (!client) return new ChaosOrchestrator(options, { provision, lease: null, proxies: null, stale: [] });
    let lease: RunLease | null = null;
    try {
      const swept: string[] = [];
      const sweep = async () => {
        swept.push(...(await removeStaleProxies(client, timeoutMs).catch(() => [])));
      };
      // The lease comes first: from now on, every other run sees that this run's proxies are live.
      lease = await RunLease.acquire(client, options.runId, timeoutMs, sweep);
      // A shared server may hold what killed runs left; a server callstorm just started holds nothing.
      if (provision.mode === 'external') await sweep();
      const proxies = await createDependencyProxies(
        client,
        options.endpoints,
        options.runId,
        timeoutMs,
        options.proxyPortBase,
      );
      const stale = [...new Set([...swept, ...proxies.replaced])].sort();
      return new ChaosOrchestrator(options, { provision, lease, proxies, stale });
    } catch (error) {
      await lease?.release(timeoutMs);
      await provision.stop();
      throw error;
    }
  }

  private constructor(options: ChaosOrchestratorOptions, p: Provisioned) {
    super();
    const { provision, proxies } = p;
    this.staleProxiesRemoved = p.stale;
    this.runId = options.runId;
    this.drill = options.drill ?? null;
    this.toxiproxy = provision;
    this.proxies = proxies;
    this.#lease = p.lease;
    this.mode = proxies ? 'toxiproxy' : 'emulated';
    this.#timeoutMs = options.requestTimeoutMs ?? 3000;
    this.#rollbackTimeoutMs = options.rollbackTimeoutMs ?? 1500;
    this.endpointUrls = Object.fromEntries(
      options.endpoints.map((e) => [e.name, proxies ? proxies.urlFor(e.name) : e.url]),
    );
    this.#switchboard = proxies ? new ToxicSwitchboard(proxies, this.#timeoutMs) : null;
    this.#applier = new FaultApplier(options.endpoints, this.#switchboard, () => provision.gone);
    this.#log = new FaultLog(options.faultsLogPath ?? null);
    this.#monitor = new StopConditionMonitor(this.drill?.stopConditions ?? []);
    this.#states = new FaultStates(this.drill?.method ?? [], proxies !== null);
    this.emulation = this.#states.emulation;
    this.#actions = new FaultActions({
      applier: this.#applier,
      append: (entry) => this.#append(entry),
      now: () => this.#now(),
      speed: () => this.#timeline?.clock.speed ?? 1,
      stopped: () => this.#stoppedAtMs !== null,
      timeoutMs: this.#timeoutMs,
    });
  }

  /** Schedules every fault's apply and remove at its scenario time on `clock`. */
  start(clock: RunClock): void {
    if (this.#timeline) throw new Error('ChaosOrchestrator.start() was already called');
    const timeline = new FaultTimeline(clock);
    this.#timeline = timeline;
    if (this.#stoppedAtMs !== null) return;
    for (const state of this.#states.all) {
      const { at, duration } = state.fault;
      timeline.at(at, () => void this.#actions.apply(state));
      timeline.at(at + duration, () => void this.#actions.remove(state, this.#timeoutMs, 'timeline'));
    }
  }

  /** Feeds a finished call to the stop conditions; an exceeded one emits `abort` and rolls back. */
  observe(record: CallRecord): void {
    const trigger = this.#monitor.observe(record);
    if (!trigger || this.#stoppedAtMs !== null) return;
    this.#append({ event: 'abort', scenarioMs: trigger.scenarioMs, detail: { ...trigger } });
    this.emit('abort', trigger);
    void this.rollback();
  }

  /** The stop condition that fired, if any. */
  get aborted(): StopTrigger | null {
    return this.#monitor.fired;
  }

  get log(): readonly FaultLogEntry[] {
    return this.#log.entries;
  }

  /** Ids of the faults active at a scenario instant (default: now): what a call record's `faults` lists. */
  activeFaultIds(scenarioMs = this.#timeline?.clock.now() ?? 0): string[] {
    return this.faultIdsBetween(scenarioMs, scenarioMs);
  }

  /** Ids of the faults active at any time in [fromMs, toMs] of scenario time. */
  faultIdsBetween(fromMs: number, toMs: number): string[] {
    return this.#states.idsBetween(fromMs, toMs);
  }

  faultWindows(): FaultWindow[] {
    return this.#states.windows();
  }

  /**
   * How late against the timeline each fault was applied and removed, so far (or up to the
   * rollback): the worst lag and the faults later than `lateAfterWallMs` wall ms.
   */
  applyLag(lateAfterWallMs = LATE_FAULT_AFTER_WALL_MS): FaultLagSummary {
    const speed = this.#timeline?.clock.speed ?? 1;
    const cutoff = this.#timeline ? (this.#stoppedAtMs ?? this.#now()) : 0;
    return summarizeFaultLag(this.#states.all, speed, cutoff, lateAfterWallMs);
  }

  /** What may still be active right now (for a rollback that gives up). */
  leftovers(): string[] {
    const proxies = this.toxiproxy.gone
      ? []
      : [...(this.proxies?.byEndpoint.values() ?? [])].map((p) => `proxy ${p.proxyName}`);
    const lease = this.#lease?.held && !this.toxiproxy.gone ? [`proxy ${this.#lease.proxyName}`] : [];
    return [...this.#states.stillActive(), ...proxies, ...lease];
  }

  /** Cancels the timeline and removes every fault (the drill's and, per `rollbacks`, any other). */
  rollback(): Promise<RollbackReport> {
    this.#rollback ??= (async () => {
      this.#stoppedAtMs = this.#now();
      this.#timeline?.cancel();
      const rollbacks = this.drill?.rollbacks ?? DEFAULT_ROLLBACKS;
      const report = await rollbackFaults({
        states: this.#states,
        actions: this.#actions,
        applier: this.#applier,
        switchboard: this.#switchboard,
        rollbacks,
        toxiproxyGone: this.toxiproxy.gone,
        timeoutMs: this.#rollbackTimeoutMs,
      });
      this.#append({
        event: 'rollback',
        scenarioMs: this.#now(),
        detail: { step: 'faults', actions: rollbacks, ...report },
      });
      return report;
    })();
    return this.#rollback;
  }

  /** Rollback, then deletes the proxies and the lease, and stops a Toxiproxy it started. Idempotent. */
  finish(): Promise<RollbackReport> {
    this.#finish ??= (async () => {
      const report = await this.rollback();
      const leftovers = [...report.leftovers];
      if (this.proxies && !this.toxiproxy.gone)
        leftovers.push(...(await this.proxies.remove(this.#rollbackTimeoutMs)));
      // The lease goes last, and only once the proxies are gone: until then they are live.
      if (this.#lease && !this.toxiproxy.gone && (this.proxies?.byEndpoint.size ?? 0) === 0)
        leftovers.push(...(await this.#lease.release(this.#rollbackTimeoutMs)));
      else this.#lease?.close();
      await this.toxiproxy.stop();
      this.#append({
        event: 'rollback',
        scenarioMs: this.#now(),
        detail: { step: 'teardown', complete: leftovers.length === 0, leftovers },
      });
      this.#log.close();
      return { complete: leftovers.length === 0, leftovers };
    })();
    return this.#finish;
  }

  #now(): number {
    return Math.max(0, Math.round(this.#timeline?.clock.now() ?? 0));
  }

  #append(entry: FaultEventEntry): void {
    const full = this.#log.append({
      runId: this.runId,
      drill: this.drill?.name ?? null,
      faultId: null,
      target: null,
      via: null,
      type: null,
      plannedMs: null,
      ...entry,
    });
    this.emit('fault', full);
  }
}
