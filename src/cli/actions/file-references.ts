import { dirname, resolve } from 'node:path';
import { loadDrill } from '../../chaos/drill-schema.ts';
import { CallstormError } from '../../errors/callstorm-error.ts';
import { loadReviewPlan } from '../../review/review-plan-schema.ts';
import { checkStagePopulation } from '../../scenario/compose-scenario.ts';
import { loadStageAndPopulation } from '../../scenario/load-scenario.ts';
import { isPath } from '../../scenario/scenario-files.ts';
import type { Gate } from '../../slo/gate-schema.ts';
import { loadSloSet, type SloSet } from '../../slo/slo-set.ts';
import { gateWithSet } from './gate-with-set.ts';

/** A path in a file is relative to that file; a name refers to the shipped scenarios. */
const near = (file: string, ref: string) => (isPath(ref) ? resolve(dirname(file), ref) : ref);

/** A stage with the population catalogue it names; its mixes must name what the catalogue has. */
function checkStage(file: string): string {
  const { path, stage, population } = loadStageAndPopulation(resolve(file));
  checkStagePopulation(stage, population, path);
  return `population ${population.name}`;
}

/** The gate's SLO set, the SLOs it names in it, and its drills. */
function checkGate(gate: Gate, set: SloSet, source: string): string {
  const known = new Set(set.slos.map((s) => s.name));
  const unknown = [
    ...(gate.slos.require ?? []).map((n, i) => [`gate.slos.require[${i}]`, n] as const),
    ...gate.slos.allowNoData.map((n, i) => [`gate.slos.allowNoData[${i}]`, n] as const),
  ].filter(([, name]) => !known.has(name));
  if (unknown.length > 0) {
    throw new CallstormError('CS_ERR_SCENARIO_INVALID', {
      path: source,
      kind: 'gate',
      issues: unknown
        .map(
          ([at, name]) =>
            `  ${at}: no SLO "${name}" in the set "${set.name}" (SLOs: ${[...known].join(', ')})`,
        )
        .join('\n'),
    });
  }
  for (const drill of gate.drills) loadDrill(drill);
  return `SLO set ${set.name}`;
}

/** Every stage, drill and gate a review plan names, loaded. */
function checkReview(file: string): string {
  const plan = loadReviewPlan(resolve(file));
  const stages = new Set(plan.runs.map((r) => r.stage));
  for (const stage of stages) {
    const { path, stage: s, population } = loadStageAndPopulation(stage);
    checkStagePopulation(s, population, path);
  }
  const drills = new Set(plan.runs.flatMap((r) => (r.drill === null ? [] : [r.drill])));
  for (const drill of drills) loadDrill(drill);
  for (const gate of new Set(plan.verdicts.map((v) => v.gate))) {
    const { gate: g, slos } = gateWithSet(gate);
    checkGate(g, slos, gate);
  }
  return `${plan.runs.length} runs, ${plan.verdicts.length} verdicts; stages, drills and gates found`;
}

/**
 * Resolves what a validated file refers to, throwing the first CallstormError a run would meet
 * later: a stage's population catalogue (and the cohorts, noise and complexity it mixes from it),
 * a gate's SLO set (the SLOs and drills it names), a review plan's stages, drills and gates.
 * Returns a short note of what was resolved, or '' when the kind refers to nothing.
 */
export function checkReferences(kind: string, value: unknown, file: string): string {
  switch (kind) {
    case 'Stage':
      return checkStage(file);
    case 'Gate': {
      const gate = value as Gate;
      return checkGate(gate, loadSloSet(near(file, gate.slos.set)), file);
    }
    case 'Review':
      return checkReview(file);
    default:
      return '';
  }
}
