import { createHash } from 'node:crypto';
import { dirname, relative, resolve } from 'node:path';
import { isCallstormError } from '../errors/callstorm-error.ts';
import type { Scenario } from '../scenario/compose-scenario.ts';
import {
  BUILTIN_SCENARIOS_DIR,
  isPath,
  resolveScenarioFile,
  type ScenarioFolder,
} from '../scenario/scenario-files.ts';
import { readBytesBounded } from '../util/bounded-read.ts';
import type { DrillDefinition } from './drill-definition-schema.ts';
import type { EvaluationContext, ScenarioSource, SourceRole } from './evaluation-context-schema.ts';

/** The scenario files a run was given, as the user named them (a shipped name or a path). */
export interface ScenarioRefs {
  readonly vertical: string;
  readonly stage: string;
  /** The drill's name or file; default the drill's own name (a shipped drill). */
  readonly drill?: string;
  /** The SLO set the run is meant to be judged by; default the set named after the stage, if shipped. */
  readonly slos?: string;
  /** The price list of its cost model; default `uk-2026`. */
  readonly prices?: string;
}

/** Scenario files are small; this only bounds a hostile one. */
const MAX_SCENARIO_FILE_BYTES = 8 * 1024 * 1024;

/** sha256 of a scenario file, hex. */
export function fileSha256(path: string): string {
  return createHash('sha256').update(readBytesBounded(path, MAX_SCENARIO_FILE_BYTES)).digest('hex');
}

/** `scenarios/verticals/collections.yaml` for a shipped file, else the absolute path. */
export function shownPath(path: string): string {
  const abs = resolve(path);
  const inBuiltin = relative(BUILTIN_SCENARIOS_DIR, abs);
  return inBuiltin.startsWith('..') || inBuiltin === abs ? abs : `scenarios/${inBuiltin}`;
}

function source(role: SourceRole, ref: string, path: string): ScenarioSource {
  return { role, ref, path: shownPath(path), sha256: fileSha256(path) };
}

/** A shipped default that may not exist (a custom stage has no SLO set of its name): null then. */
function optionalFile(folder: ScenarioFolder, ref: string): string | null {
  try {
    return resolveScenarioFile(folder, ref);
  } catch (error) {
    if (isCallstormError(error)) return null;
    throw error;
  }
}

/**
 * What a run records in `manifest.json` → `evaluation` so that evaluating it never reopens the
 * scenario's YAML: every flow's category (the pilot SLO selects calls by it, whatever file the
 * vertical came from), the sha256 of each scenario file the run used, and the resolved drill.
 * `scenario` and `drill` are what the run loaded; `refs` what it was given, to find the files.
 */
export function evaluationContext(
  scenario: Scenario,
  drill: DrillDefinition | null,
  refs: ScenarioRefs,
): EvaluationContext {
  const vertical = resolveScenarioFile('verticals', refs.vertical);
  const stage = resolveScenarioFile('stages', refs.stage);
  const catalogue = scenario.stage.population.catalogue;
  const population = isPath(catalogue)
    ? resolve(dirname(stage), catalogue)
    : resolveScenarioFile('populations', catalogue);
  const sources = [
    source('vertical', refs.vertical, vertical),
    source('stage', refs.stage, stage),
    source('population', catalogue, population),
  ];
  if (drill !== null) {
    const ref = refs.drill ?? drill.name;
    const path = optionalFile('drills', ref);
    if (path !== null) sources.push(source('drill', ref, path));
  }
  const slos = refs.slos ?? scenario.stage.name;
  const slosPath = optionalFile('slos', slos);
  if (slosPath !== null) sources.push(source('slos', slos, slosPath));
  const prices = refs.prices ?? 'uk-2026';
  const pricesPath = optionalFile('prices', prices);
  if (pricesPath !== null) sources.push(source('prices', prices, pricesPath));
  return {
    flowCategories: Object.fromEntries(scenario.vertical.flows.map((f) => [f.id, f.category])),
    sources,
    drill: drill === null ? null : structuredClone(drill),
    consent: {
      noticePhrases: [...scenario.stage.consent.noticePhrases],
      personalDataPhrases: [...scenario.stage.consent.personalDataPhrases],
    },
  };
}
