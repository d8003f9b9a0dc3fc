import { dirname, resolve } from 'node:path';
import { CallstormError } from '../errors/callstorm-error.ts';
import { composeScenario, type Scenario } from './compose-scenario.ts';
import { readYaml, validate } from './load-document.ts';
import { type Population, populationSchema } from './population-schema.ts';
import { isPath, resolveScenarioFile, type ScenarioFolder } from './scenario-files.ts';
import { type Stage, stageSchema } from './stage-schema.ts';
import { type Vertical, verticalSchema } from './vertical-schema.ts';

export function loadVertical(nameOrPath: string): Vertical {
  const path = resolveScenarioFile('verticals', nameOrPath);
  return validate(verticalSchema, readYaml(path), 'vertical', path);
}

function loadStageFile(nameOrPath: string): { path: string; stage: Stage } {
  const path = resolveScenarioFile('stages', nameOrPath);
  return { path, stage: validate(stageSchema, readYaml(path), 'stage', path) };
}

export function loadStage(nameOrPath: string): Stage {
  return loadStageFile(nameOrPath).stage;
}

export function loadPopulation(nameOrPath: string): Population {
  const path = resolveScenarioFile('populations', nameOrPath);
  return validate(populationSchema, readYaml(path), 'population', path);
}

export interface ScenarioRef {
  vertical: string;
  stage: string;
}

/** A stage and the population catalogue it names (a path in it is relative to the stage file). */
export function loadStageAndPopulation(nameOrPath: string): {
  path: string;
  stage: Stage;
  population: Population;
} {
  const { path, stage } = loadStageFile(nameOrPath);
  const catalogue = stage.population.catalogue;
  const population = loadPopulation(isPath(catalogue) ? resolve(dirname(path), catalogue) : catalogue);
  return { path, stage, population };
}

/** Loads vertical × stage (and the stage's population catalogue) and checks they fit together. */
export function loadScenario(ref: ScenarioRef): Scenario {
  const vertical = loadVertical(ref.vertical);
  const { stage, population } = loadStageAndPopulation(ref.stage);
  return composeScenario(vertical, stage, population);
}

const KINDS = {
  Vertical: { schema: verticalSchema, root: 'vertical', folder: 'verticals' },
  Stage: { schema: stageSchema, root: 'stage', folder: 'stages' },
  Population: { schema: populationSchema, root: 'population', folder: 'populations' },
} as const;

export type ScenarioDocument =
  | { kind: 'Vertical'; value: Vertical }
  | { kind: 'Stage'; value: Stage }
  | { kind: 'Population'; value: Population };

/** Validates any scenario file by its `kind` field (what `callstorm validate` runs). */
export function loadDocument(
  path: string,
  extraKinds: Record<string, (data: unknown, path: string) => unknown> = {},
): { kind: string; value: unknown } {
  const data = readYaml(path);
  const kind =
    data && typeof data === 'object' && 'kind' in data ? String((data as { kind: unknown }).kind) : undefined;
  if (kind !== undefined && Object.hasOwn(KINDS, kind)) {
    const k = KINDS[kind as keyof typeof KINDS];
    return { kind, value: validate(k.schema, data, k.root, path) };
  }
  if (kind !== undefined && Object.hasOwn(extraKinds, kind))
    return { kind, value: extraKinds[kind]!(data, path) };
  const valid = [...Object.keys(KINDS), ...Object.keys(extraKinds)].join(', ');
  throw new CallstormError('CS_ERR_SCENARIO_INVALID', {
    path,
    kind: 'file',
    issues: `  kind: ${kind === undefined ? 'missing' : `unknown kind "${kind}"`}: expected one of ${valid}`,
  });
}

export type { ScenarioFolder };
