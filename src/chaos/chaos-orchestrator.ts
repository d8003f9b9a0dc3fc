import { EventEmitter } from 'node:events';
import type { RunClock } from '../driver/run-clock.ts';
import type { CallRecord } from '../telemetry/call-record.ts';
import {
  createDependencyProxies,
  type DependencyProxies,
  removeStaleProxies,
  withTimeout,
} from './dependency-proxies.ts';
import type { Drill, DrillFault, RollbackAction } from './drill-schema.ts';
import { type ChaosEndpoint, checkDrillTargets, FaultApplier } from './fault-applier.ts';
import { FaultLog, type FaultLogEntry, type FaultVia } from './fault-log.ts';
import { type EmulatedFault, emulateNetworkFault } from './network-emulation.ts';
import { StopConditionMonitor, type StopTrigger } from './stop-condition-monitor.ts';
import { ToxicSwitchboard } from './toxic-switchboard.ts';
import {
  describeError,
  type ProvisionOptions,
  provisionToxiproxy,
  type ToxiproxyProvision,
} from './toxiproxy-provisioner.ts';

export type { ChaosEndpoint };

export interface ChaosOrchestratorOptions {
  /** Proxy names and fault log lines carry it; parallel runs sharing a Toxiproxy must differ. */
  readonly runId: string;
  /** Without a drill: proxies only, no faults. */
  readonly drill?: Drill | null;
  readonly endpoints: readonly ChaosEndpoint[];
  /** `reports/<run>/faults.jsonl`; null keeps the log in memory only. */
  readonly faultsLogPath?: string | null;
  /** Where Toxiproxy comes from (TOXIPROXY_URL, `.tools/`, or emulated). */
  readonly toxiproxy?: ProvisionOptions;
  /** Per request to Toxiproxy or a control API while running (ms, default 3000). */
  readonly requestTimeoutMs?: number;
  /** Per request during rollback (ms, default 1500), so a rollback is bounded. */
  readonly rollbackTimeoutMs?: number;
}

export interface ChaosEvents {
  /** Every line written to faults.jsonl. */
  fault: [entry: FaultLogEntry];
  /** A stop condition fired; the orchestrator has started rolling back. Stop the driver. */
  abort: [trigger: StopTrigger];
}

export interface EmulationNote {
  readonly faultId: string;
  readonly toxic: string;
  /** The simulator fault that stands in (`network-outage refuse`), or null when none can. */
  readonly as: string | null;
  readonly note: string;
}

export interface RollbackReport {
  readonly complete: boolean;
  /** What may still be active (empty when complete). */
  readonly leftovers: readonly string[];
}

export interface FaultWindow {
  readonly id: string;
  readonly target: string;
  readonly via: FaultVia;
  readonly status: 'pending' | 'active' | 'removed' | 'failed' | 'skipped';
  readonly plannedAtMs: number;
  readonly plannedEndMs: number;
  readonly appliedAtMs: number | null;
  readonly removedAtMs: number | null;
}

interface FaultState extends Omit<FaultWindow, 'id' | 'target' | 'plannedAtMs' | 'plannedEndMs'> {
  readonly fault: DrillFault;
  readonly emulated: EmulatedFault | null;
  readonly unsupported: string | null;
  status: FaultWindow['status'];
  appliedAtMs: number | null;
  removedAtMs: number | null;
  op: Promise<void>;
}

const MAX_TIMER_MS = 2 ** 31 - 1;

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
  readonly #applier: FaultApplier;
  readonly #log: FaultLog;
  readonly #states: FaultState[];
  readonly #monitor: StopConditionMonitor;
  readonly #switchboard: ToxicSwitchboard | null;
  readonly #timeoutMs: number;
  readonly #rollbackTimeoutMs: number;
  readonly #timers = new Set<NodeJS.Timeout>();
  #clock: RunClock | null = null;
  #stopped = false;
  #rollback: Promise<RollbackReport> | null = null;
  #finish: Promise<RollbackReport> | null = null;

  /** Provisions Toxiproxy and the proxies; call `start(clock)` when scenario time begins. */
  static async create(options: ChaosOrchestratorOptions): Promise<ChaosOrchestrator> {
    checkDrillTargets(options.drill ?? null, options.endpoints);
    const timeoutMs = options.requestTimeoutMs ?? 3000;
    const provision = await provisionToxiproxy(options.toxiproxy);
    let proxies: DependencyProxies | null = null;
    let stale: string[] = [];
    try {
      // A shared server may hold what a killed run left; a server callstorm just started holds nothing.
      if (provision.client && provision.mode === 'external') {
        stale = await removeStaleProxies(provision.client, timeoutMs).catch(() => []);
      }
      if (provision.client) {
        proxies = await createDependencyProxies(
          provision.client,
          options.endpoints,
          options.runId,
          timeoutMs,
        );
      }
    } catch (error) {
      await provision.stop();
      throw error;
    }
    return new ChaosOrchestrator(options, provision, proxies, stale);
  }

  private constructor(
    options: ChaosOrchestratorOptions,
    provision: ToxiproxyProvision,
    proxies: DependencyProxies | null,
    stale: readonly string[],
  ) {
    super();
    this.staleProxiesRemoved = stale;
    this.runId = options.runId;
    this.drill = options.drill ?? null;
    this.toxiproxy = provision;
    this.proxies = proxies;
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
    const emulation: EmulationNote[] = [];
    this.#states = (this.drill?.method ?? []).map((fault) => {
      let emulated: EmulatedFault | null = null;
      let unsupported: string | null = null;
      if (fault.network && !proxies) {
        const e = emulateNetworkFault(fault.network);
        if ('emulated' in e) emulated = e.emulated;
        else unsupported = e.unsupported;
        emulation.push({
          faultId: fault.id,
          toxic: fault.network.toxic,
          as: emulated
            ? `${emulated.type}${emulated.type === 'network-outage' ? ` ${emulated.params['mode']}` : ''}`
            : null,
          note: emulated?.note ?? unsupported ?? '',
        });
      }
      const via: FaultVia = fault.simulator ? 'simulator' : proxies ? 'toxiproxy' : 'emulated';
      return {
        fault,
        via,
        emulated,
        unsupported,
        status: 'pending',
        appliedAtMs: null,
        removedAtMs: null,
        op: Promise.resolve(),
      };
    });
    this.emulation = emulation;
  }

  /** Schedules every fault's apply and remove at its scenario time on `clock`. */
  start(clock: RunClock): void {
    if (this.#clock) throw new Error('ChaosOrchestrator.start() was already called');
    this.#clock = clock;
    if (this.#stopped) return;
    for (const state of this.#states) {
      this.#at(state.fault.at, () => this.#apply(state));
      this.#at(
        state.fault.at + state.fault.duration,
        () => void this.#remove(state, this.#timeoutMs, 'timeline'),
      );
    }
  }

  /** Feeds a finished call to the stop conditions; an exceeded one emits `abort` and rolls back. */
  observe(record: CallRecord): void {
    const trigger = this.#monitor.observe(record);
    if (!trigger || this.#stopped) return;
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
  activeFaultIds(scenarioMs = this.#clock?.now() ?? 0): string[] {
    return this.faultIdsBetween(scenarioMs, scenarioMs);
  }

  /** Ids of the faults active at any time in [fromMs, toMs] of scenario time. */
  faultIdsBetween(fromMs: number, toMs: number): string[] {
    return this.faultWindows()
      .filter((w) => w.status !== 'failed' && w.status !== 'skipped')
      .filter((w) => w.plannedAtMs <= toMs && fromMs < (w.removedAtMs ?? w.plannedEndMs))
      .map((w) => w.id);
  }

  faultWindows(): FaultWindow[] {
    return this.#states.map((s) => ({
      id: s.fault.id,
      target: s.fault.target,
      via: s.via,
      status: s.status,
      plannedAtMs: s.fault.at,
      plannedEndMs: s.fault.at + s.fault.duration,
      appliedAtMs: s.appliedAtMs,
      removedAtMs: s.removedAtMs,
    }));
  }

  /** What may still be active right now (for a rollback that gives up). */
  leftovers(): string[] {
    const faults = this.#states
      .filter((s) => s.status === 'active')
      .map((s) => `fault ${s.fault.id} on ${s.fault.target}`);
    const proxies = this.toxiproxy.gone
      ? []
      : [...(this.proxies?.byEndpoint.values() ?? [])].map((p) => `proxy ${p.proxyName}`);
    return [...faults, ...proxies];
  }

  /** Cancels the timeline and removes every fault (the drill's and, per `rollbacks`, any other). */
  rollback(): Promise<RollbackReport> {
    this.#rollback ??= this.#doRollback();
    return this.#rollback;
  }

  /** Rollback, then deletes the proxies and stops a Toxiproxy it started. Idempotent. */
  finish(): Promise<RollbackReport> {
    this.#finish ??= (async () => {
      const report = await this.rollback();
      const leftovers = [...report.leftovers];
      if (this.proxies && !this.toxiproxy.gone)
        leftovers.push(...(await this.proxies.remove(this.#rollbackTimeoutMs)));
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

  async #doRollback(): Promise<RollbackReport> {
    this.#stopped = true;
    for (const t of this.#timers) clearTimeout(t);
    this.#timers.clear();
    const t = this.#rollbackTimeoutMs;
    await Promise.all(
      this.#states.map((s) =>
        withTimeout(this.#remove(s, t, 'rollback'), t * 2, `remove ${s.fault.id}`).catch(() => {}),
      ),
    );
    const leftovers = this.#states
      .filter((s) => s.status === 'active')
      .map((s) => `fault ${s.fault.id} on ${s.fault.target}`);
    const actions: readonly RollbackAction[] = this.drill?.rollbacks ?? [
      'clear-simulator-faults',
      'reset-proxies',
    ];
    if (actions.includes('reset-proxies') && this.#switchboard && !this.toxiproxy.gone) {
      leftovers.push(...(await this.#switchboard.reset(t)));
    }
    if (actions.includes('clear-simulator-faults')) {
      await Promise.all(
        this.#applier.endpoints.map((e) =>
          this.#applier
            .control(e.name, t)
            .clearFaults()
            .catch((error) => {
              leftovers.push(`simulator faults on ${e.name} (${describeError(error)})`);
            }),
        ),
      );
    }
    this.#append({
      event: 'rollback',
      scenarioMs: this.#now(),
      detail: { step: 'faults', actions, complete: leftovers.length === 0, leftovers },
    });
    return { complete: leftovers.length === 0, leftovers };
  }

  #apply(state: FaultState): void {
    const f = state.fault;
    state.op = state.op.then(async () => {
      if (this.#stopped) return;
      if (state.unsupported) {
        state.status = 'skipped';
        this.#faultEntry('skipped', state, f.at, { error: state.unsupported });
        return;
      }
      try {
        const detail = await this.#applier.apply(f, state.emulated, this.#timeoutMs, this.#clock?.speed ?? 1);
        state.status = 'active';
        state.appliedAtMs = this.#now();
        this.#faultEntry('applied', state, f.at, { detail });
      } catch (error) {
        state.status = 'failed';
        this.#faultEntry('failed', state, f.at, { error: describeError(error), detail: { action: 'apply' } });
      }
    });
  }

  #remove(state: FaultState, timeoutMs: number, by: 'timeline' | 'rollback'): Promise<void> {
    const f = state.fault;
    state.op = state.op.then(async () => {
      if (state.status !== 'active') return;
      try {
        const detail = await this.#applier.remove(f, timeoutMs);
        state.status = 'removed';
        state.removedAtMs = this.#now();
        this.#faultEntry('removed', state, f.at + f.duration, { detail: { ...detail, by } });
      } catch (error) {
        this.#faultEntry('failed', state, f.at + f.duration, {
          error: describeError(error),
          detail: { action: 'remove', by },
        });
      }
    });
    return state.op;
  }

  /** Runs `fn` at a scenario instant (timers unref'd: the run's lifetime belongs to the driver). */
  #at(scenarioMs: number, fn: () => void): void {
    const clock = this.#clock!;
    const arm = () => {
      const wait = Math.max(0, clock.wallUntil(scenarioMs));
      const timer = setTimeout(
        () => {
          this.#timers.delete(timer);
          if (wait > MAX_TIMER_MS) arm();
          else fn();
        },
        Math.min(wait, MAX_TIMER_MS),
      );
      timer.unref();
      this.#timers.add(timer);
    };
    arm();
  }

  #now(): number {
    return Math.max(0, Math.round(this.#clock?.now() ?? 0));
  }

  #faultEntry(
    event: 'applied' | 'removed' | 'failed' | 'skipped',
    state: FaultState,
    plannedMs: number,
    extra: { detail?: Record<string, unknown>; error?: string },
  ): void {
    const f = state.fault;
    this.#append({
      event,
      faultId: f.id,
      target: f.target,
      via: state.via,
      type: f.network?.toxic ?? f.simulator?.type ?? null,
      scenarioMs: this.#now(),
      plannedMs,
      ...extra,
    });
  }

  #append(
    entry: Partial<Omit<FaultLogEntry, 'schema' | 'runId' | 'drill'>> &
      Pick<FaultLogEntry, 'event' | 'scenarioMs'>,
  ): void {
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
