import { existsSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { isCallstormError } from '../errors/callstorm-error.ts';
import { fileSha256, shownPath } from '../run-folder/evaluation-context.ts';
import { readRunFolder } from '../run-folder/read-run-folder.ts';
import type { RunFolder } from '../run-folder/run-folder.ts';
import { loadVertical } from '../scenario/load-scenario.ts';
import type { CallRecord } from '../telemetry/call-record.ts';
import { committedCall } from '../telemetry/committed-call.ts';
import { callReasons } from './call-reasons.ts';
import type { UnreadableRun } from './evaluate-gate.ts';
import { evaluateSlo } from './evaluate-slo.ts';
import { folderDrillVerdict } from './folder-drill-verdict.ts';
import { costSummary, loadPriceList, type PriceList } from './price-list.ts';
import type { RunEvaluation } from './run-evaluation.ts';
import { inconclusiveBecause } from './run-evidence.ts';
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
import { wireSummary } from './wire-summary.ts';

export interface EvaluateRunOptions {
  /** SLO set (name, path or loaded); default the set named after the run's stage. */
  readonly slos?: SloSet | string;
  /** Price list (name, path or loaded); default uk-2026. */
  readonly prices?: PriceList | string;
  /**
   * Flow name → category; default what the run recorded in manifest.json (`evaluation`), or for
   * older manifests the shipped vertical of the run's vertical name.
   */
  readonly flowCategories?: Readonly<Record<string, string>>;
  /** Window of the latency/outcome/queue series, scenario ms (default 5 minutes). */
  readonly windowMs?: number;
}

export interface EvaluationInputs {
  readonly slos: SloSet;
  readonly prices: PriceList;
  readonly flowCategories: Readonly<Record<string, string>>;
  readonly windowMs: number;
  /** Notes on how the inputs were found (shown with the folder's own). */
  readonly notes?: readonly string[];
}

export const DEFAULT_WINDOW_MS = 300_000;

function integrity(calls: readonly CallRecord[], folder: RunFolder): RunEvaluation['integrity'] {
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
    ledger: folder.ledger,
  };
}

/** Everything a report shows about one run, from its folder as read. Pure. */
export function evaluateArtefacts(folder: RunFolder, inputs: EvaluationInputs): RunEvaluation {
  const { manifest, calls } = folder;
  const s = manifest.scenario;
  const spanMs = Math.max(0, Date.parse(s.windowEnd) - Date.parse(s.windowStart));
  const endMs = calls.reduce((m, c) => Math.max(m, c.endedAtMs), spanMs);
  const faults = faultWindows(folder.faults);
  const consent = manifest.evaluation?.consent;
  const context = {
    flowCategories: inputs.flowCategories,
    faultWindows: faults,
    ...(consent ? { consent } : {}),
  };
  const outcomes = outcomeCounts(calls);
  const drill = folderDrillVerdict(folder);
  const wire = wireSummary(calls);
  return {
    runDir: folder.dir,
    runId: manifest.runId,
    vertical: s.vertical,
    stage: s.stage,
    agent: manifest.agent,
    drill: manifest.drill,
    window: { spec: s.window, start: s.windowStart, end: s.windowEnd, speed: s.speed, seed: s.seed },
    complete: manifest.complete,
    invalid: manifest.invalid,
    status: manifest.status,
    endReason: manifest.reason,
    inconclusive: inconclusiveBecause(manifest),
    load: manifest.load ?? null,
    harness: manifest.harness ?? null,
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
    reasons: callReasons(calls),
    fallbackDuringFaults: fallbackDuringFaults(calls, faults, endMs),
    humanQueue: humanQueueSummary(calls, endMs, inputs.windowMs),
    integrity: integrity(calls, folder),
    drillVerdict: drill.verdict,
    ...(wire ? { wire } : {}),
    notes: [...folder.notes, ...(inputs.notes ?? []), ...drill.notes],
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

/** The run's flow categories: as recorded, else (older manifests) from the shipped vertical, with a note. */
function recordedFlowCategories(folder: RunFolder): { categories: Record<string, string>; notes: string[] } {
  const recorded = folder.manifest.evaluation?.flowCategories;
  if (recorded !== undefined) return { categories: recorded, notes: [] };
  const vertical = folder.manifest.scenario.vertical;
  const categories = flowCategoriesOf(vertical);
  const older = 'manifest.json was written before callstorm recorded flow categories';
  return {
    categories,
    notes: [
      Object.keys(categories).length > 0
        ? `${older}: they were taken from the shipped vertical "${vertical}" as it is now`
        : `${older}, and "${vertical}" is not a shipped vertical: SLOs that select calls by flow category (the pilot's named-flow containment) have no data`,
    ],
  };
}

/** A note when the SLO set judging the run is a file that changed since the run recorded its digest. */
function sloSetNotes(folder: RunFolder, slos: SloSet): string[] {
  const sources = folder.manifest.evaluation?.sources ?? [];
  if (!existsSync(slos.source)) return [];
  const path = shownPath(slos.source);
  const then = sources.find((x) => x.role === 'slos' && x.path === path);
  if (then === undefined) return [];
  const now = fileSha256(slos.source);
  return now === then.sha256
    ? []
    : [
        `SLO set ${path} changed since the run (sha256 ${then.sha256.slice(0, 12)}… then, ${now.slice(0, 12)}… now): the run is judged by the file as it is now`,
      ];
}

/**
 * Evaluates a run folder already read by `readRunFolder`: SLOs of the run's stage (or
 * `options.slos`), cost, and the per-window, per-cohort, per-fault series.
 */
export function evaluateRunFolder(folder: RunFolder, options: EvaluateRunOptions = {}): RunEvaluation {
  const slos =
    typeof options.slos === 'object'
      ? options.slos
      : loadSloSet(options.slos ?? folder.manifest.scenario.stage);
  const prices = typeof options.prices === 'object' ? options.prices : loadPriceList(options.prices);
  const flows =
    options.flowCategories === undefined
      ? recordedFlowCategories(folder)
      : { categories: options.flowCategories, notes: [] };
  return evaluateArtefacts(folder, {
    slos,
    prices,
    flowCategories: flows.categories,
    windowMs: options.windowMs ?? DEFAULT_WINDOW_MS,
    notes: [...flows.notes, ...sloSetNotes(folder, slos)],
  });
}

/**
 * Reads a run folder (written by `callstorm run`) and evaluates it. Bad, missing or mismatched
 * artefacts throw CS_ERR_RUN_ARTEFACT naming the file, the line and the field.
 */
export function evaluateRun(runDir: string, options: EvaluateRunOptions = {}): RunEvaluation {
  return evaluateRunFolder(readRunFolder(resolve(runDir)), options);
}

/**
 * For a gate over several folders: a folder that is a run folder (it holds manifest.json) but
 * fails its integrity checks is no evidence either way — returned as unreadable, with what is
 * wrong and the fix, for an INCONCLUSIVE reason. A path that is no run folder at all still throws
 * (CS_ERR_RUN_ARTEFACT: bad input).
 */
export function evaluateRunOrUnreadable(
  runDir: string,
  options: EvaluateRunOptions = {},
): { readonly evaluation: RunEvaluation } | { readonly unreadable: UnreadableRun } {
  const dir = resolve(runDir);
  try {
    return { evaluation: evaluateRun(dir, options) };
  } catch (error) {
    const isRunFolder = (() => {
      try {
        return statSync(dir).isDirectory() && statSync(join(dir, 'manifest.json')).isFile();
      } catch {
        return false;
      }
    })();
    if (!isCallstormError(error) || error.code !== 'CS_ERR_RUN_ARTEFACT' || !isRunFolder) throw error;
    return { unreadable: { dir: runDir, problem: `${error.message} (fix: ${error.hint})` } };
  }
}
