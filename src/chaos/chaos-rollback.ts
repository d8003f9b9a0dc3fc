import { withTimeout } from './dependency-proxies.ts';
import type { RollbackAction } from './drill-schema.ts';
import type { FaultActions } from './fault-actions.ts';
import type { FaultApplier } from './fault-applier.ts';
import type { FaultStates } from './fault-states.ts';
import type { ToxicSwitchboard } from './toxic-switchboard.ts';
import { describeError } from './toxiproxy-provisioner.ts';

export interface RollbackReport {
  readonly complete: boolean;
  /** What may still be active (empty when complete). */
  readonly leftovers: readonly string[];
}

/** Both clean-ups, when a drill names none. */
export const DEFAULT_ROLLBACKS: readonly RollbackAction[] = ['clear-simulator-faults', 'reset-proxies'];

/**
 * Removes every fault the drill applied, then runs the drill's broader clean-ups: every toxic off
 * the run's own proxies (`reset-proxies`, only while its Toxiproxy is there) and every fault off
 * the run's simulators (`clear-simulator-faults`). Each request is bounded by `timeoutMs`; what
 * could not be removed is named in `leftovers`. Touches nothing outside this run.
 */
export async function rollbackFaults(o: {
  readonly states: FaultStates;
  readonly actions: FaultActions;
  readonly applier: FaultApplier;
  readonly switchboard: ToxicSwitchboard | null;
  readonly rollbacks: readonly RollbackAction[];
  readonly toxiproxyGone: boolean;
  readonly timeoutMs: number;
}): Promise<RollbackReport> {
  const t = o.timeoutMs;
  await Promise.all(
    o.states.all.map((s) =>
      withTimeout(o.actions.remove(s, t, 'rollback'), t * 2, `remove ${s.fault.id}`).catch(() => {}),
    ),
  );
  const leftovers = o.states.stillActive();
  if (o.rollbacks.includes('reset-proxies') && o.switchboard && !o.toxiproxyGone) {
    leftovers.push(...(await o.switchboard.reset(t)));
  }
  if (o.rollbacks.includes('clear-simulator-faults')) {
    await Promise.all(
      o.applier.endpoints.map((e) =>
        o.applier
          .control(e.name, t)
          .clearFaults()
          .catch((error) => {
            leftovers.push(`simulator faults on ${e.name} (${describeError(error)})`);
          }),
      ),
    );
  }
  return { complete: leftovers.length === 0, leftovers };
}
