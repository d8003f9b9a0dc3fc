import { createCallGenerator } from '../../simulators/callers/call-generator.ts';
import { SLOT_MS } from '../../simulators/callers/rate-calendar.ts';
import { CallstormError } from '../errors/callstorm-error.ts';
import { loadScenario } from '../scenario/load-scenario.ts';
import { SPEED_BOUNDS } from '../scenario/speed-bounds.ts';
import { PEAK_DAY_BUSINESS_HOURS, type ReviewPlan, type ReviewPlanRun } from './review-plan-schema.ts';

/** One run of a review, ready to execute: its window resolved and its speed final. */
export interface ReviewRun {
  readonly label: string;
  /** A stage name or a path. */
  readonly stage: string;
  /** A window `callstorm run --window` takes. */
  readonly window: string;
  readonly speed: number;
  readonly agent: string;
  /** The shell command that starts the agent for the run (`--agent-cmd`), or null. */
  readonly agentCmd: string | null;
  readonly drill: string | null;
}

/**
 * Speeds other than the plan's: `byRun` sets a run's speed (by label) as given; `factor`
 * multiplies the plan's speed of every other run. Every result stays within SPEED_BOUNDS.
 * (`callstorm review --speed <label>=<x> --speed-factor <f>`; a calibration can pass its own.)
 */
export interface SpeedOverrides {
  readonly factor?: number;
  readonly byRun?: ReadonlyMap<string, number>;
}

const fmt = (n: number) => n.toLocaleString('en-GB', { maximumFractionDigits: 3 });

/** The plan's runs with their speeds overridden. */
export function withSpeeds(plan: ReviewPlan, overrides: SpeedOverrides = {}): ReviewPlanRun[] {
  const labels = new Set(plan.runs.map((r) => r.label));
  for (const label of overrides.byRun?.keys() ?? []) {
    if (!labels.has(label)) {
      throw new CallstormError('CS_ERR_BAD_ARGUMENT', {
        option: '--speed',
        reason: `review plan "${plan.name}" has no run "${label}"`,
        fix: `name one of its runs: ${[...labels].join(', ')}`,
      });
    }
  }
  return plan.runs.map((run) => {
    const given = overrides.byRun?.get(run.label);
    const speed = given ?? run.speed * (overrides.factor ?? 1);
    if (!(speed >= SPEED_BOUNDS.min && speed <= SPEED_BOUNDS.max)) {
      throw new CallstormError('CS_ERR_BAD_ARGUMENT', {
        option: given === undefined ? '--speed-factor' : '--speed',
        reason: `run "${run.label}" would play at ×${fmt(speed)}, outside ${fmt(SPEED_BOUNDS.min)}–${fmt(SPEED_BOUNDS.max)}`,
        fix: 'choose a factor (or a speed) that keeps every run within the bounds',
      });
    }
    return { ...run, speed };
  });
}

/**
 * The business hours of a stage's busiest day as an explicit window, so a run does not spend wall
 * time on the night (a pilot's peak hour holds only a handful of calls; its peak day is the sample).
 */
export function peakDayBusinessHours(vertical: string, stage: string): string {
  const g = createCallGenerator(loadScenario({ vertical, stage }), { seed: 1, window: 'peak-day' });
  const open = g.slots.filter(
    (s) => s.expected > 0 && s.startMs >= g.window.startMs && s.startMs < g.window.endMs,
  );
  const from = new Date(open[0]!.startMs).toISOString().replace('.000', '');
  const to = new Date(open[open.length - 1]!.startMs + SLOT_MS).toISOString().replace('.000', '');
  return `${from}/${to}`;
}

/** The plan's runs for one vertical: windows the data names resolved by code, speeds final. */
export function resolveReviewRuns(
  plan: ReviewPlan,
  vertical: string,
  overrides: SpeedOverrides = {},
): ReviewRun[] {
  return withSpeeds(plan, overrides).map((run) => ({
    label: run.label,
    stage: run.stage,
    window: run.window === PEAK_DAY_BUSINESS_HOURS ? peakDayBusinessHours(vertical, run.stage) : run.window,
    speed: run.speed,
    agent: run.agent,
    agentCmd: run.agentCmd,
    drill: run.drill,
  }));
}
