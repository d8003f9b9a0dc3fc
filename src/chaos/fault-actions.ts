import type { FaultApplier } from './fault-applier.ts';
import { wallLag } from './fault-lag.ts';
import type { FaultLogEntry } from './fault-log.ts';
import type { FaultState } from './fault-states.ts';
import { describeError } from './toxiproxy-provisioner.ts';

/** A fault event as the orchestrator appends it to faults.jsonl (it adds run and drill). */
export type FaultEventEntry = Partial<Omit<FaultLogEntry, 'schema' | 'runId' | 'drill' | 'at'>> &
  Pick<FaultLogEntry, 'event' | 'scenarioMs'>;

export interface FaultActionsContext {
  readonly applier: FaultApplier;
  readonly append: (entry: FaultEventEntry) => void;
  /** Scenario now, in whole ms. */
  readonly now: () => number;
  readonly speed: () => number;
  /** True once the timeline is cancelled: pending applies do nothing. */
  readonly stopped: () => boolean;
  readonly timeoutMs: number;
}

/**
 * Applies and removes one fault through the applier, one operation after the other per fault,
 * and logs each outcome with how late it came against the timeline (timeline events) and how
 * long its request took.
 */
export class FaultActions {
  readonly #ctx: FaultActionsContext;

  constructor(ctx: FaultActionsContext) {
    this.#ctx = ctx;
  }

  apply(state: FaultState): Promise<void> {
    const f = state.fault;
    const ctx = this.#ctx;
    state.op = state.op.then(async () => {
      if (ctx.stopped()) return;
      if (state.unsupported) {
        state.status = 'skipped';
        this.#entry('skipped', state, f.at, { error: state.unsupported });
        return;
      }
      const started = performance.now();
      try {
        const detail = await ctx.applier.apply(f, state.emulated, ctx.timeoutMs, ctx.speed());
        state.status = 'active';
        state.appliedAtMs = ctx.now();
        this.#entry('applied', state, f.at, { detail, ...this.#timing(f.at, started) });
      } catch (error) {
        state.status = 'failed';
        this.#entry('failed', state, f.at, {
          error: describeError(error),
          detail: { action: 'apply' },
          ...this.#timing(f.at, started),
        });
      }
    });
    return state.op;
  }

  remove(state: FaultState, timeoutMs: number, by: 'timeline' | 'rollback'): Promise<void> {
    const f = state.fault;
    const end = f.at + f.duration;
    state.op = state.op.then(async () => {
      if (state.status !== 'active') return;
      const started = performance.now();
      const timing = () => (by === 'timeline' ? this.#timing(end, started) : this.#took(started));
      try {
        const detail = await this.#ctx.applier.remove(f, timeoutMs);
        state.status = 'removed';
        state.removedAtMs = this.#ctx.now();
        state.removedBy = by;
        this.#entry('removed', state, end, { detail: { ...detail, by }, ...timing() });
      } catch (error) {
        this.#entry('failed', state, end, {
          error: describeError(error),
          detail: { action: 'remove', by },
          ...timing(),
        });
      }
    });
    return state.op;
  }

  /** Lag against the plan (scenario and wall ms) and the request's own wall time. */
  #timing(plannedMs: number, started: number) {
    const lagScenarioMs = Math.max(0, this.#ctx.now() - plannedMs);
    return { lagScenarioMs, lagWallMs: wallLag(lagScenarioMs, this.#ctx.speed()), ...this.#took(started) };
  }

  #took(started: number) {
    return { requestWallMs: Math.round((performance.now() - started) * 10) / 10 };
  }

  #entry(
    event: 'applied' | 'removed' | 'failed' | 'skipped',
    state: FaultState,
    plannedMs: number,
    extra: Partial<FaultEventEntry>,
  ): void {
    const f = state.fault;
    this.#ctx.append({
      event,
      faultId: f.id,
      target: f.target,
      via: state.via,
      type: f.network?.toxic ?? f.simulator?.type ?? null,
      scenarioMs: this.#ctx.now(),
      plannedMs,
      ...extra,
    });
  }
}
