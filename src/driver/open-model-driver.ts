import { EventEmitter } from 'node:events';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import type { CallPlan } from '../../simulators/callers/call-plan.ts';
import { sleep } from '../util/abortable-sleep.ts';
import type { AgentTransport } from './agent-transport.ts';
import type { CallObservation } from './call-observation.ts';
import type { RunClock } from './run-clock.ts';

export interface DriverOptions {
  readonly runId: string;
  readonly plans: Iterable<CallPlan>;
  /** Plays each call with the agent (`http`, …). */
  readonly transport: AgentTransport;
  readonly clock: RunClock;
  /** Stops the run: no new calls start, callers in progress hang up. */
  readonly signal: AbortSignal;
  /** A call that starts later than this (wall ms) counts as late (default 250 ms). */
  readonly lateAfterMs?: number;
  /** Share of late calls above which the run is invalid (default 1 %). */
  readonly maxLateShare?: number;
  /** Safety cap on calls in progress; reaching it makes the run invalid (default 20,000). */
  readonly maxInFlight?: number;
  /**
   * After the run is stopped, how long calls still in progress get to hang up (wall ms, default
   * 10 s); any still going then are given up on (counted interrupted) so a stop is never ignored.
   */
  readonly stopGraceMs?: number;
}

export interface DriverSummary {
  readonly planned: number;
  readonly started: number;
  /** Calls that ended on their own (each was emitted as `call-observed`). */
  readonly finished: number;
  /** Calls cut short because the run was stopped (no observation is emitted for them). */
  readonly interrupted: number;
  readonly late: number;
  readonly startLag: { readonly p50Ms: number; readonly p99Ms: number; readonly maxMs: number };
  readonly eventLoopDelayP99Ms: number;
  readonly peakInFlight: number;
  /** Calls in progress at once, averaged over wall time from the first start to the last end. */
  readonly meanInFlight: number;
  /** CPU the driver's process used while driving, in % of one core. */
  readonly cpuPercent: number;
  /** Why the run cannot be trusted (the driver could not keep the schedule), or null. */
  readonly invalid: string | null;
  readonly stopped: boolean;
}

export interface DriverEvents {
  'call-started': [plan: CallPlan, lagMs: number];
  'call-observed': [observation: CallObservation];
  'call-interrupted': [plan: CallPlan];
}

function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
}

/**
 * Waits for every call in progress; once the run is stopped, for at most `graceMs` more. True
 * when they all ended.
 */
function settle(running: ReadonlySet<Promise<void>>, signal: AbortSignal, graceMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    let timer: NodeJS.Timeout | undefined;
    const onAbort = () => {
      timer = setTimeout(() => resolve(false), graceMs);
    };
    if (signal.aborted) onAbort();
    else signal.addEventListener('abort', onAbort, { once: true });
    void Promise.all(running).then(() => {
      clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
      resolve(true);
    });
  });
}

/** Calls in progress over wall time: the peak and the time-weighted mean. */
class InFlightGauge {
  now = 0;
  peak = 0;
  #area = 0;
  #since = Number.NaN;
  #first = Number.NaN;

  change(by: number): void {
    const t = performance.now();
    if (Number.isNaN(this.#first)) this.#first = t;
    else this.#area += this.now * (t - this.#since);
    this.#since = t;
    this.now += by;
    this.peak = Math.max(this.peak, this.now);
  }

  mean(): number {
    const span = this.#since - this.#first;
    return span > 0 ? this.#area / span : this.peak;
  }
}

/**
 * The open-model driver: starts each call at its arrival time (scenario time / speed) whether or
 * not earlier calls have been answered, hands it to the transport, and only emits events — the
 * call judge, the recorder, progress and the stop conditions subscribe. It watches its own
 * schedule and says when it could not keep it instead of quietly under-driving.
 */
export class OpenModelDriver extends EventEmitter<DriverEvents> {
  readonly #o: DriverOptions;
  readonly #calls = new Set<AbortController>();
  readonly #gauge = new InFlightGauge();
  #gaveUp = false;

  constructor(options: DriverOptions) {
    super();
    this.#o = options;
  }

  get inFlight(): number {
    return this.#gauge.now;
  }

  async run(): Promise<DriverSummary> {
    const { clock, signal } = this.#o;
    // One listener on the run's signal aborts every call in progress; each call listens only to
    // its own signal (thousands of listeners on one EventTarget make add/remove O(n)).
    const abortCalls = () => {
      for (const c of this.#calls) c.abort(signal.reason);
    };
    signal.addEventListener('abort', abortCalls, { once: true });
    const lateAfter = this.#o.lateAfterMs ?? 250;
    const maxInFlight = this.#o.maxInFlight ?? 20_000;
    const lags: number[] = [];
    const running = new Set<Promise<void>>();
    const loop = monitorEventLoopDelay({ resolution: 10 });
    loop.enable();
    const cpuBefore = process.cpuUsage();
    const wallBefore = performance.now();
    let planned = 0;
    let finished = 0;
    let interrupted = 0;
    let overloaded = false;

    for (const plan of this.#o.plans) {
      planned++;
      if (signal.aborted) break;
      const wait = clock.wallAt(plan.arrivalMs) - performance.now();
      if (wait > 0 && !(await sleep(wait, signal))) break;
      const lag = Math.max(0, performance.now() - clock.wallAt(plan.arrivalMs));
      lags.push(lag);
      if (this.#gauge.now >= maxInFlight) overloaded = true;
      this.#gauge.change(+1);
      this.emit('call-started', plan, lag);
      const task = this.#call(plan).then(
        (done) => {
          if (done) finished++;
          else interrupted++;
        },
        () => {
          interrupted++;
        },
      );
      const tracked = task.finally(() => {
        this.#gauge.change(-1);
        running.delete(tracked);
      });
      running.add(tracked);
    }
    const ended = await settle(running, signal, this.#o.stopGraceMs ?? 10_000);
    if (!ended) {
      this.#gaveUp = true;
      interrupted += running.size;
    }
    signal.removeEventListener('abort', abortCalls);
    loop.disable();
    const cpu = process.cpuUsage(cpuBefore);
    const wallMs = performance.now() - wallBefore;

    const sorted = [...lags].sort((a, b) => a - b);
    const late = lags.filter((l) => l > lateAfter).length;
    const maxLateShare = this.#o.maxLateShare ?? 0.01;
    let invalid: string | null = null;
    if (overloaded) invalid = `more than ${maxInFlight} calls in progress at once: the driver's safety cap`;
    else if (lags.length > 0 && late / lags.length > maxLateShare) {
      invalid = `${late} of ${lags.length} calls (${((late / lags.length) * 100).toFixed(1)} %) started more than ${lateAfter} ms late (p99 ${quantile(sorted, 0.99).toFixed(0)} ms): the driver could not keep the schedule — lower --speed or the window`;
    }
    return {
      planned,
      started: lags.length,
      finished,
      interrupted,
      late,
      startLag: {
        p50Ms: quantile(sorted, 0.5),
        p99Ms: quantile(sorted, 0.99),
        maxMs: sorted[sorted.length - 1] ?? 0,
      },
      eventLoopDelayP99Ms: loop.percentile(99) / 1e6,
      peakInFlight: this.#gauge.peak,
      meanInFlight: this.#gauge.mean(),
      cpuPercent: wallMs > 0 ? ((cpu.user + cpu.system) / 1000 / wallMs) * 100 : 0,
      invalid,
      stopped: signal.aborted,
    };
  }

  /** Runs one caller; resolves true when the call ended on its own, false when the run stopped it. */
  async #call(plan: CallPlan): Promise<boolean> {
    const { transport, clock, runId } = this.#o;
    const controller = new AbortController();
    this.#calls.add(controller);
    let observation: CallObservation;
    try {
      observation = await transport.converse({ runId, plan, clock, signal: controller.signal });
    } catch (error) {
      if (controller.signal.aborted) {
        if (!this.#gaveUp) this.emit('call-interrupted', plan);
        return false;
      }
      throw error;
    } finally {
      this.#calls.delete(controller);
    }
    if (this.#gaveUp) return false;
    this.emit('call-observed', observation);
    return true;
  }
}
