import { CallstormError } from '../errors/callstorm-error.ts';
import { ownValue } from '../util/own-value.ts';
import type { Peak } from './calendar-schema.ts';
import { deepFreeze } from './deep-freeze.ts';
import type { Cohort, ComplexityClass, NoiseEnvironment, Population } from './population-schema.ts';
import type { Stage } from './stage-schema.ts';
import type { Flow, Vertical } from './vertical-schema.ts';

export interface Weighted<T> {
  readonly item: T;
  readonly weight: number;
}

/** A vertical run at a stage: everything the generator needs, resolved and frozen. */
export interface Scenario {
  readonly vertical: Vertical;
  readonly stage: Stage;
  readonly population: Population;
  /** Flows with their normalised share of calls at this stage (zero-weight flows left out). */
  readonly flows: readonly Weighted<Flow>[];
  readonly cohorts: readonly Weighted<Cohort>[];
  readonly noise: readonly Weighted<NoiseEnvironment>[];
  readonly complexity: readonly Weighted<ComplexityClass>[];
  /** The stage calendar's peaks plus the vertical's own. */
  readonly peaks: readonly Peak[];
}

function resolveMix<T extends { id: string }>(
  mix: Readonly<Record<string, number>>,
  catalogue: readonly T[],
  path: string,
  noun: string,
  population: string,
  problems: string[],
): Weighted<T>[] {
  const byId = new Map(catalogue.map((c) => [c.id, c]));
  const out: Weighted<T>[] = [];
  for (const [id, weight] of Object.entries(mix)) {
    const item = byId.get(id);
    if (!item) {
      problems.push(
        `  ${path}.${id}: no ${noun} "${id}" in population "${population}" (known: ${[...byId.keys()].join(', ')})`,
      );
    } else if (weight > 0) {
      out.push({ item, weight });
    }
  }
  const total = out.reduce((a, w) => a + w.weight, 0);
  return out.map((w) => ({ item: w.item, weight: w.weight / total }));
}

/** The stage's dialect, noise and complexity mixes resolved in the population; unknown ids go to `problems`. */
function populationMixes(stage: Stage, population: Population, problems: string[]) {
  const pop = stage.population;
  const cohorts = resolveMix(
    pop.dialects,
    population.cohorts,
    'stage.population.dialects',
    'dialect cohort',
    population.name,
    problems,
  );
  const noise = resolveMix(
    pop.noise,
    population.noise,
    'stage.population.noise',
    'noise environment',
    population.name,
    problems,
  );
  const complexity = resolveMix(
    pop.complexity,
    population.complexity,
    'stage.population.complexity',
    'complexity class',
    population.name,
    problems,
  );
  return { cohorts, noise, complexity };
}

/**
 * Checks that every dialect cohort, noise environment and complexity class a stage mixes is in its
 * population catalogue (what `callstorm validate` checks for a stage file on its own).
 */
export function checkStagePopulation(stage: Stage, population: Population, source: string): void {
  const problems: string[] = [];
  populationMixes(stage, population, problems);
  if (problems.length > 0) {
    throw new CallstormError('CS_ERR_SCENARIO_INVALID', {
      path: `${source} with population "${population.name}"`,
      kind: 'stage',
      issues: problems.join('\n'),
    });
  }
}

export function composeScenario(vertical: Vertical, stage: Stage, population: Population): Scenario {
  const problems: string[] = [];
  const { cohorts, noise, complexity } = populationMixes(stage, population, problems);

  const overrides = ownValue(stage.flowMix.overrides, vertical.name) ?? {};
  const flowIds = new Set(vertical.flows.map((f) => f.id));
  for (const id of Object.keys(overrides)) {
    if (!flowIds.has(id)) {
      problems.push(
        `  stage.flowMix.overrides.${vertical.name}.${id}: vertical "${vertical.name}" has no flow "${id}" (flows: ${[...flowIds].join(', ')})`,
      );
    }
  }
  if (problems.length > 0) {
    throw new CallstormError('CS_ERR_SCENARIO_INVALID', {
      path: `${stage.name} × ${vertical.name}`,
      kind: 'scenario',
      issues: problems.join('\n'),
    });
  }

  const raw = vertical.flows.map((flow) => ({
    item: flow,
    weight:
      ownValue(overrides, flow.id) ?? flow.weight * (ownValue(stage.flowMix.categories, flow.category) ?? 0),
  }));
  const total = raw.reduce((a, f) => a + f.weight, 0);
  if (!(total > 0)) {
    throw new CallstormError('CS_ERR_EMPTY_MIX', {
      stage: stage.name,
      vertical: vertical.name,
      reason: 'every flow has weight 0',
    });
  }
  const flows = raw.filter((f) => f.weight > 0).map((f) => ({ item: f.item, weight: f.weight / total }));

  return deepFreeze({
    vertical,
    stage,
    population,
    flows,
    cohorts,
    noise,
    complexity,
    peaks: [...stage.calendar.peaks, ...vertical.peaks],
  });
}
