import type { Scenario } from '../../src/scenario/compose-scenario.ts';
import { type CallGenerator, createCallGenerator } from './call-generator.ts';
import { SLOT_MS } from './rate-calendar.ts';

/** Assumed agent time per turn (reply latency plus reply audio) for the concurrency estimate. */
export const ASSUMED_AGENT_TURN_MS = 4_000;
const SAMPLE = 2_000;

export interface TrafficProfile {
  readonly vertical: string;
  readonly stage: string;
  readonly window: string;
  readonly monthlyVolume: number;
  readonly expectedCalls: number;
  readonly windowHours: number;
  /** Highest expected arrival rate in any 30-minute slot of the window, calls per minute. */
  readonly peakCallsPerMinute: number;
  /** Mean call duration of a sample of plans (caller speech + pauses + assumed agent turns). */
  readonly meanCallSeconds: number;
  /** Little's law at the peak rate: calls in progress at once. */
  readonly peakConcurrency: number;
  readonly meanTurns: number;
  readonly cohorts: Readonly<Record<string, number>>;
  readonly flows: Readonly<Record<string, number>>;
  readonly complexity: Readonly<Record<string, number>>;
  readonly noise: Readonly<Record<string, number>>;
  readonly patience: { readonly medianMs: number; readonly p90Ms: number };
  readonly bargeInPerTurn: number;
  readonly askHumanPerCall: number;
}

function mix<T extends { id: string }>(
  items: readonly { item: T; weight: number }[],
): Record<string, number> {
  return Object.fromEntries(items.map((w) => [w.item.id, w.weight]));
}

export function trafficProfile(
  scenario: Scenario,
  window: string,
  seed = 1,
  generator?: CallGenerator,
): TrafficProfile {
  const g = generator ?? createCallGenerator(scenario, { seed, window });
  let peak = 0;
  for (const slot of g.slots) {
    if (slot.startMs + SLOT_MS > g.window.startMs && slot.startMs < g.window.endMs)
      peak = Math.max(peak, slot.expected / 30);
  }
  let n = 0;
  let durationMs = 0;
  let turns = 0;
  for (const plan of g.plans()) {
    if (n >= SAMPLE) break;
    n++;
    turns += plan.turns.length;
    for (const t of plan.turns) durationMs += t.speechMs + t.thinkMs + ASSUMED_AGENT_TURN_MS;
  }
  const meanCallSeconds = n > 0 ? durationMs / n / 1000 : 0;
  const { stage } = scenario;
  return {
    vertical: scenario.vertical.name,
    stage: stage.name,
    window: g.window.spec,
    monthlyVolume: stage.monthlyVolume,
    expectedCalls: g.window.expectedCalls,
    windowHours: (g.window.endMs - g.window.startMs) / 3_600_000,
    peakCallsPerMinute: peak,
    meanCallSeconds,
    peakConcurrency: (peak / 60) * meanCallSeconds,
    meanTurns: n > 0 ? turns / n : 0,
    cohorts: mix(scenario.cohorts),
    flows: mix(scenario.flows),
    complexity: mix(scenario.complexity),
    noise: mix(scenario.noise),
    patience: stage.behaviour.patience,
    bargeInPerTurn: stage.behaviour.bargeIn,
    askHumanPerCall: stage.behaviour.askHuman,
  };
}
