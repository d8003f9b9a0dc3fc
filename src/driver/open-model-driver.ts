import { EventEmitter } from 'node:events';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import type { CallPlan } from '../../simulators/callers/call-plan.ts';
import type { CallRecord } from '../telemetry/call-record.ts';
import type { AgentAdapter } from './agent-adapter.ts';
import { type CallerSessionOptions, type CallObservation, runCallerSession } from './caller-session.ts';
import type { HumanQueue } from './human-queue.ts';
import { judgeCall } from './judge-call.ts';
import type { RunClock } from './run-clock.ts';

export interface CallWrites {
  readonly expected: number;
  readonly landed: number;
  readonly lost: number;
  readonly duplicate: number;
  readonly unexpected: number;
}

export interface DriverHooks {
  /**
   * This call's writes from the CRM ledger (null: no ledger, writes not judged); may answer later
   * (a CRM in another process). A rejection drops the call's record (it counts as interrupted).
   */
  writesOf(plan: CallPlan): CallWrites | null | Promise<CallWrites | null>;
  /** Ids of faults active at any time in [fromMs, toMs] of scenario time. */
  faultsDuring(fromMs: number, toMs: number): readonly string[];
}

export interface DriverOptions {
  readonly runId: string;
  readonly plans: Iterable<CallPlan>;
  readonly adapter: AgentAdapter;
  readonly clock: RunClock;
  readonly humanQueue: HumanQueue;
  readonly hooks: DriverHooks;
  /** Stops the run: no new calls start, callers in progress hang up. */
  readonly signal: AbortSignal;
  /** A call that starts later than this (wall ms) counts as late (default 250 ms). */
  readonly lateAfterMs?: number;
  /** Share of late calls above which the run is invalid (default 1 %). */
  readonly maxLateShare?: number;
  /** Safety cap on calls in progress; reaching it makes the run invalid (default 20,000). */
  readonly maxInFlight?: number;
  /** Caller audio and playback announcements, passed to each caller session. */
  readonly callerAudio?: CallerSessionOptions['callerAudio'];
  readonly announce?: CallerSessionOptions['announce'];
}

export interface DriverSummary {
  readonly planned: number;
  readonly started: number;
  readonly finished: number;
  /** Calls cut short because the run was stopped (no record is written for them). */
  readonly interrupted: number;
  readonly late: number;
  readonly startLag: { readonly p50Ms: number; readonly p99Ms: number; readonly maxMs: number };
  readonly eventLoopDelayP99Ms: number;
  readonly peakInFlight: number;
  /** Why the run cannot be trusted (the driver could not keep the schedule), or null. */
  readonly invalid: string | null;
  readonly stopped: boolean;
}

export interface DriverEvents {
  'call-started': [plan: CallPlan, lagMs: number];
  'call-finished': [record: CallRecord];
  'call-interrupted': [plan: CallPlan];
}

function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
}

/**
 * The open-model driver: starts each call at its arrival time (scenario time / speed) whether or
 * not earlier calls have been answered, and only emits events — recording, histograms, progress
 * and chaos stop conditions subscribe. It watches its own schedule and says when it could not
 * keep it instead of quietly under-driving.
 */
export class OpenModelDriver extends EventEmitter<DriverEvents> {
  readonly #o: DriverOptions;
  readonly #calls = new Set<AbortController>();
  #inFlight = 0;

  constructor(options: DriverOptions) {
    super();
    this.#o = options;
  }

  get inFlight(): number {
    return this.#inFlight;
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
    let planned = 0;
    let finished = 0;
    let interrupted = 0;
    let peak = 0;
    let overloaded = false;

    for (const plan of this.#o.plans) {
      planned++;
      if (signal.aborted) break;
      const wait = clock.wallAt(plan.arrivalMs) - performance.now();
      if (wait > 0) {
        const stopped = await new Promise<boolean>((resolve) => {
          const timer = setTimeout(() => {
            signal.removeEventListener('abort', onAbort);
            resolve(false);
          }, wait);
          const onAbort = () => {
            clearTimeout(timer);
            resolve(true);
          };
          signal.addEventListener('abort', onAbort, { once: true });
        });
        if (stopped) break;
      }
      const lag = Math.max(0, performance.now() - clock.wallAt(plan.arrivalMs));
      lags.push(lag);
      if (this.#inFlight >= maxInFlight) overloaded = true;
      this.#inFlight++;
      peak = Math.max(peak, this.#inFlight);
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
        this.#inFlight--;
        running.delete(tracked);
      });
      running.add(tracked);
    }
    await Promise.all(running);
    signal.removeEventListener('abort', abortCalls);
    loop.disable();

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
      peakInFlight: peak,
      invalid,
      stopped: signal.aborted,
    };
  }

  /** Runs one caller; resolves true when the call ended on its own, false when the run stopped it. */
  async #call(plan: CallPlan): Promise<boolean> {
    const { adapter, clock, runId, hooks, humanQueue, callerAudio, announce } = this.#o;
    const controller = new AbortController();
    this.#calls.add(controller);
    let observation: CallObservation;
    try {
      observation = await runCallerSession({
        plan,
        adapter,
        clock,
        runId,
        signal: controller.signal,
        ...(callerAudio ? { callerAudio } : {}),
        ...(announce ? { announce } : {}),
      });
    } catch (error) {
      if (controller.signal.aborted) {
        this.emit('call-interrupted', plan);
        return false;
      }
      throw error;
    } finally {
      this.#calls.delete(controller);
    }
    const endedAtMs = clock.scenarioAt(observation.endedWallMs);
    const humanQueueResult = observation.ending.by === 'agent-transfer' ? humanQueue.join(endedAtMs) : null;
    const writes = (await hooks.writesOf(plan)) ?? {
      expected: plan.expectedWrites.length,
      landed: 0,
      lost: 0,
      duplicate: 0,
      unexpected: 0,
    };
    const record = judgeCall({
      runId,
      observation,
      writes,
      endedAtMs,
      humanQueue: humanQueueResult,
      faults: hooks.faultsDuring(plan.arrivalMs, endedAtMs),
    });
    this.emit('call-finished', record);
    return true;
  }
}
