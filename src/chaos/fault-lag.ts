import type { FaultLag, FaultTimeliness } from '../telemetry/run-manifest.ts';
import type { FaultState } from './fault-states.ts';

/**
 * How well the chaos orchestrator kept the drill's timeline, for the run's harness health: what
 * the manifest keeps (FaultTimeliness: applies and removes measured, each fault's apply and its
 * removal at its planned end; late beyond LATE_FAULT_AFTER_WALL_MS, as a call is beyond the
 * driver's 250 ms) with the speed, and every late event rather than the latest ten.
 */
export interface FaultLagSummary extends FaultTimeliness {
  readonly speed: number;
  /** Every apply or remove later than `lateAfterWallMs`, latest first. */
  readonly late: readonly FaultLag[];
}

/** Late faults in a wall-ms window beyond which the harness, not the agent, is to blame. */
export const LATE_FAULT_AFTER_WALL_MS = 250;

export const NO_FAULT_LAG: FaultLagSummary = {
  speed: 1,
  measured: 0,
  maxScenarioMs: 0,
  maxWallMs: 0,
  lateAfterWallMs: LATE_FAULT_AFTER_WALL_MS,
  late: [],
};

/** Rounds a wall-ms lag to 0.1 ms. */
export function wallLag(lagScenarioMs: number, speed: number): number {
  return Math.round((lagScenarioMs / speed) * 10) / 10;
}

/**
 * Each fault's apply lag (applied − planned start) and remove lag (removed − planned end, when its
 * planned end came before the run stopped). A fault due before `cutoffMs` that had not been
 * applied, or was still active past its end, is late by the time to `cutoffMs`.
 */
export function summarizeFaultLag(
  states: readonly FaultState[],
  speed: number,
  cutoffMs: number,
  lateAfterWallMs = LATE_FAULT_AFTER_WALL_MS,
): FaultLagSummary {
  const lags: FaultLag[] = [];
  const lag = (faultId: string, action: FaultLag['action'], plannedMs: number, atMs: number | null) => {
    const lagScenarioMs = Math.max(0, Math.round((atMs ?? cutoffMs) - plannedMs));
    lags.push({ faultId, action, plannedMs, atMs, lagScenarioMs, lagWallMs: wallLag(lagScenarioMs, speed) });
  };
  for (const s of states) {
    const { id, at, duration } = s.fault;
    const end = at + duration;
    if (s.appliedAtMs !== null) lag(id, 'apply', at, s.appliedAtMs);
    else if (s.status === 'pending' && at < cutoffMs) lag(id, 'apply', at, null);
    if (s.appliedAtMs === null) continue;
    if (s.removedBy === 'timeline') lag(id, 'remove', end, s.removedAtMs);
    else if (end < cutoffMs) lag(id, 'remove', end, s.removedAtMs);
  }
  return {
    speed,
    measured: lags.length,
    maxScenarioMs: Math.max(0, ...lags.map((l) => l.lagScenarioMs)),
    maxWallMs: Math.max(0, ...lags.map((l) => l.lagWallMs)),
    lateAfterWallMs,
    late: lags.filter((l) => l.lagWallMs > lateAfterWallMs).sort((a, b) => b.lagWallMs - a.lagWallMs),
  };
}
