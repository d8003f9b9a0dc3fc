import type { CallRecord } from '../telemetry/call-record.ts';
import type { StopCondition } from './drill-schema.ts';
import { formatScenarioDuration } from './scenario-duration.ts';

/** A stop condition that fired. */
export interface StopTrigger {
  readonly condition: string;
  readonly reason: string;
  readonly rate: number;
  readonly calls: number;
  /** Scenario ms (end of the latest call observed). */
  readonly scenarioMs: number;
}

interface Window {
  readonly condition: StopCondition;
  readonly ends: { endedAtMs: number; bad: boolean }[];
  bad: number;
}

/**
 * Watches finished calls against the drill's stop conditions: over a rolling window of scenario
 * time (by the calls' end times), the share of calls with the listed outcomes must stay at or
 * below `maxRate` once at least `minCalls` calls are in the window. Fires once.
 */
export class StopConditionMonitor {
  readonly #windows: Window[];
  #latestMs = 0;
  #fired: StopTrigger | null = null;

  constructor(conditions: readonly StopCondition[]) {
    this.#windows = conditions.map((condition) => ({ condition, ends: [], bad: 0 }));
  }

  get fired(): StopTrigger | null {
    return this.#fired;
  }

  /** Adds a finished call; returns the trigger the first time a condition is exceeded. */
  observe(record: Pick<CallRecord, 'endedAtMs' | 'outcome'>): StopTrigger | null {
    if (this.#fired) return null;
    this.#latestMs = Math.max(this.#latestMs, record.endedAtMs);
    for (const w of this.#windows) {
      const bad = w.condition.outcomes.includes(record.outcome);
      w.ends.push({ endedAtMs: record.endedAtMs, bad });
      if (bad) w.bad++;
      const from = this.#latestMs - w.condition.window;
      while (w.ends.length > 0 && w.ends[0]!.endedAtMs <= from) {
        if (w.ends.shift()!.bad) w.bad--;
      }
      const calls = w.ends.length;
      const rate = calls === 0 ? 0 : w.bad / calls;
      if (calls >= w.condition.minCalls && rate > w.condition.maxRate) {
        this.#fired = {
          condition: w.condition.name,
          reason: `${w.condition.outcomes.join('/')} rate ${round(rate)} over the last ${formatScenarioDuration(w.condition.window)} (${w.bad} of ${calls} calls) exceeds ${w.condition.maxRate}`,
          rate,
          calls,
          scenarioMs: this.#latestMs,
        };
        return this.#fired;
      }
    }
    return null;
  }
}

function round(n: number): number {
  return Math.round(n * 1000) / 1000;
}
