import { resolve } from 'node:path';
import { isCallstormError } from '../errors/callstorm-error.ts';
import { loadVertical } from '../scenario/load-scenario.ts';
import type { CallRecord } from '../telemetry/call-record.ts';
import { committedCall } from '../telemetry/committed-call.ts';
import { evaluateSlo } from './evaluate-slo.ts';
import { costSummary, loadPriceList, type PriceList } from './price-list.ts';
import { type RunArtefacts, readRunArtefacts } from './run-artefacts.ts';
import type { RunEvaluation } from './run-evaluation.ts';
import {
  cohortSummaries,
  escalationReasons,
  fallbackDuringFaults,
  faultWindows,
  humanQueueSummary,
  outcomeCounts,
  windowSummaries,
} from './run-summaries.ts';
import { loadSloSet, type SloSet } from './slo-set.ts';

export interface EvaluateRunOptions {
  /** SLO set (name, path or loaded); default the set named after the run's stage. */
  readonly slos?: SloSet | string;
  /** Price list (name, path or loaded); default uk-2026. */
  readonly prices?: PriceList | string;
  /** Flow name → category; default from the run's vertical (scenarios/verticals/<vertical>.yaml). */
  readonly flowCategories?: Readonly<Record<string, string>>;
  /** Window of the latency/outcome/queue series, scenario ms (default 5 minutes). */
  readonly windowMs?: number;
}

export interface EvaluationInputs {
  readonly slos: SloSet;
  readonly prices: PriceList;
  readonly flowCategories: Readonly<Record<string, string>>;
  readonly windowMs: number;
}

export const DEFAULT_WINDOW_MS = 300_000;

function integrity(calls: readonly CallRecord[], artefacts: RunArtefacts): RunEvaluation['integrity'] {
  let expectedWrites = 0;
  let lost = 0;
  let duplicate = 0;
  let unexpected = 0;
  for (const c of calls) {
    expectedWrites += c.writes.expected;
    duplicate += c.writes.duplicate;
    unexpected += c.writes.unexpected;
    // Lost by the agent: writes of calls it ended as done (having understood them) that never
    // landed. Calls escalated or abandoned before their write was decided, and writes never tried
    // because the agent heard the wrong intent (false containment), are counted in the ledger only.
    if (committedCall(c)) lost += c.writes.lost;
  }
  return {
    expectedWrites,
    lost,
    duplicate,
    unexpected,
    residencyViolations: calls.filter((c) => c.residencyViolation).length,
    ledger: artefacts.ledger,
  };
}

/** Everything a report shows about one run, from its artefacts. Pure. */
export function evaluateArtefacts(artefacts: RunArtefacts, inputs: EvaluationInputs): RunEvaluation {
  const { manifest, calls } = artefacts;
  const s = manifest.scenario;
  const spanMs = Math.max(0, Date.parse(s.windowEnd) - Date.parse(s.windowStart));
  const endMs = calls.reduce((m, c) => Math.max(m, c.endedAtMs), spanMs);
  const faults = faultWindows(artefacts.faults);
  const context = { flowCategories: inputs.flowCategories, faultWindows: faults };
  const outcomes = outcomeCounts(calls);
  return {
    runDir: artefacts.dir,
    runId: manifest.runId,
    vertical: s.vertical,
    stage: s.stage,
    agent: manifest.agent,
    drill: manifest.drill,
    window: { spec: s.window, start: s.windowStart, end: s.windowEnd, speed: s.speed, seed: s.seed },
    complete: manifest.complete,
    invalid: manifest.invalid,
    networkMode: manifest.network.mode,
    calls: calls.length,
    outcomes,
    containment: calls.length === 0 ? 0 : outcomes.resolved / calls.length,
    slos: inputs.slos.slos.map((slo) => evaluateSlo(slo, { calls, context, prices: inputs.prices, endMs })),
    sloSet: inputs.slos.name,
    cost: costSummary(calls, inputs.prices),
    cohorts: cohortSummaries(calls),
    windows: windowSummaries(calls, endMs, inputs.windowMs),
    faults,
    escalationReasons: escalationReasons(calls),
    fallbackDuringFaults: fallbackDuringFaults(calls, faults, endMs),
    humanQueue: humanQueueSummary(calls, endMs, inputs.windowMs),
    integrity: integrity(calls, artefacts),
    drillVerdict: artefacts.drill,
  };
}

/** Flow → category of a shipped vertical; {} when the vertical is not one callstorm can load by name. */
export function flowCategoriesOf(vertical: string): Record<string, string> {
  try {
    return Object.fromEntries(loadVertical(vertical).flows.map((f) => [f.id, f.category]));
  } catch (error) {
    if (isCallstormError(error)) return {};
    throw error;
  }
}

/**
 * Reads a run folder (written by `callstorm run`) and evaluates it: SLOs of the run's stage (or
 * `options.slos`), cost, and the per-window, per-cohort, per-fault series. Bad or missing
 * artefacts throw CS_ERR_RUN_ARTEFACT naming the file.
 */
export function evaluateRun(runDir: string, options: EvaluateRunOptions = {}): RunEvaluation {
  const artefacts = readRunArtefacts(resolve(runDir));
  const slos =
    typeof options.slos === 'object'
      ? options.slos
      : loadSloSet(options.slos ?? artefacts.manifest.scenario.stage);
  const prices = typeof options.prices === 'object' ? options.prices : loadPriceList(options.prices);
  return evaluateArtefacts(artefacts, {
    slos,
    prices,
    flowCategories: options.flowCategories ?? flowCategoriesOf(artefacts.manifest.scenario.vertical),
    windowMs: options.windowMs ?? DEFAULT_WINDOW_MS,
  });
}
