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
        this.#entry('skipped', state, f.at, ctx.now(), { error: state.unsupported });
        return;
      }
      const started = performance.now();
      try {
        const detail = await ctx.applier.apply(f, state.emulated, ctx.timeoutMs, ctx.speed());
        const at = ctx.now();
        state.status = 'active';
        state.appliedAtMs = at;
        this.#entry('applied', state, f.at, at, { detail, ...this.#timing(f.at, at, started) });
      } catch (error) {
        const at = ctx.now();
        state.status = 'failed';
        this.#entry('failed', state, f.at, at, {
          error: describeError(error),
          detail: { action: 'apply' },
          ...this.#timing(f.at, at, started),
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
      // A rollback after the planned end comes late too; one before it is early, not late.
      const timing = (at: number) =>
        by === 'timeline' || at > end ? this.#timing(end, at, started) : this.#took(started);
      try {
        const detail = await this.#ctx.applier.remove(f, timeoutMs);
        const at = this.#ctx.now();
        state.status = 'removed';
        state.removedAtMs = at;
        state.removedBy = by;
        this.#entry('removed', state, end, at, { detail: { ...detail, by }, ...timing(at) });
      } catch (error) {
        const at = this.#ctx.now();
        this.#entry('failed', state, end, at, {
          error: describeError(error),
          detail: { action: 'remove', by },
          ...timing(at),
        });
      }
    });
    return state.op;
  }

  /** Lag against the plan (scenario and wall ms) and the request's own wall time. */
  #timing(plannedMs: number, atMs: number, started: number) {
    const lagScenarioMs = Math.max(0, atMs - plannedMs);
    return { lagScenarioMs, lagWallMs: wallLag(lagScenarioMs, this.#ctx.speed()), ...this.#took(started) };
  }

  #took(started: number) {
    return { requestWallMs: Math.round((performance.now() - started) * 10) / 10 };
  }

  #entry(
    event: 'applied' | 'removed' | 'failed' | 'skipped',
    state: FaultState,
    plannedMs: number,
    scenarioMs: number,
    extra: Partial<FaultEventEntry>,
  ): void {
    const f = state.fault;
    this.#ctx.append({
      event,
      faultId: f.id,
      target: f.target,
      via: state.via,
      type: f.network?.toxic ?? f.simulator?.type ?? null,
      scenarioMs,
      plannedMs,
      ...extra,
    });
  }
}
