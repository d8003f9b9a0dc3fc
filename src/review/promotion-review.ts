import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { drillRun } from '../chaos/run-chaos.ts';
import { executeRun, type RunProgress, type RunResult } from '../driver/execute-run.ts';
import type { SimulatorsMode } from '../driver/run-simulators.ts';
import { writeCompareReport } from '../report/write-compare-report.ts';
import { writeRunReport } from '../report/write-run-report.ts';
import { SPEED_BOUNDS } from '../scenario/speed-bounds.ts';
import { evaluateRunOrUnreadable } from '../slo/evaluate-run.ts';
import type { RunEvaluation } from '../slo/run-evaluation.ts';
import { prepareOutputFolder } from '../util/output-location.ts';
import { type Calibration, calibrateSpeeds, type ProbeReport } from './calibrate-speeds.ts';
import {
  judgeReview,
  type ReviewRunOutcome,
  type ReviewVerdict,
  reviewComparison,
  type UnreadableReviewRun,
  verdictOfRun,
} from './judge-review.ts';
import { type ReviewRun, resolveReviewRuns, type SpeedOverrides } from './resolve-review-runs.ts';
import { loadReviewPlan, type ReviewPlan } from './review-plan-schema.ts';

export type { ReviewRunOutcome, ReviewVerdict } from './judge-review.ts';
export type { ReviewRun, SpeedOverrides } from './resolve-review-runs.ts';

/** What one run of a review asks for. */
export interface ReviewRunRequest {
  readonly run: ReviewRun;
  readonly vertical: string;
  readonly seed: number;
  /** The run's folder (`<review>/runs/<label>`). */
  readonly out: string;
  readonly simulators?: SimulatorsMode;
  readonly signal?: AbortSignal;
  readonly onProgress?: (progress: RunProgress) => void;
}

/** What the review needs back from a run: its folder and manifest. */
export type ReviewRunResult = Pick<RunResult, 'dir' | 'manifest'>;

/** Runs one run of a review; the default is `callstorm run` (executeRun) with the run's drill. */
export type ReviewRunExecutor = (request: ReviewRunRequest) => Promise<ReviewRunResult>;

/** The default executor: executeRun, with the run's drill as its chaos. */
export const executeReviewRun: ReviewRunExecutor = async (request) => {
  const { run, seed } = request;
  const drill = run.drill ? drillRun(run.drill, seed) : null;
  return executeRun({
    vertical: request.vertical,
    stage: run.stage,
    window: run.window,
    speed: run.speed,
    seed,
    agent: run.agent,
    ...(run.agentCmd !== null ? { agentCmd: run.agentCmd } : {}),
    out: request.out,
    ...(drill ? drill : {}),
    ...(request.simulators ? { simulators: request.simulators } : {}),
    ...(request.signal ? { signal: request.signal } : {}),
    ...(request.onProgress ? { onProgress: request.onProgress, progressEveryMs: 5_000 } : {}),
  });
};

/** The runs of a plan (default the shipped `promotion` plan) for one vertical, windows resolved. */
export function promotionReviewPlan(
  vertical: string,
  plan: ReviewPlan = loadReviewPlan(),
  speeds: SpeedOverrides = {},
): ReviewRun[] {
  return resolveReviewRuns(plan, vertical, speeds);
}

export interface ReviewOptions {
  readonly vertical: string;
  /** Folder of the review (runs go in `runs/`, the comparison report at the top). */
  readonly outDir: string;
  readonly seed?: number;
  readonly signal?: AbortSignal;
  /** The review plan: a loaded plan, or a name under scenarios/reviews/ or a path (default `promotion`). */
  readonly plan?: ReviewPlan | string;
  /** Speeds other than the plan's. */
  readonly speeds?: SpeedOverrides;
  /** Runs each run (default executeReviewRun; tests pass a fake). */
  readonly execute?: ReviewRunExecutor;
  readonly onRunStart?: (run: ReviewRun, index: number, total: number) => void;
  readonly onRunEnd?: (run: ReviewRun, result: ReviewRunResult) => void;
  /**
   * An invalid run (the harness could not carry it, or the run deadline cut it short) is run again
   * once at `RERUN_SPEED_FACTOR` × its speed before its evidence is settled (default true); called
   * before the second run starts.
   */
  readonly rerunInvalid?: boolean;
  readonly onRerun?: (first: ReviewRun, slower: ReviewRun, why: string) => void;
  /**
   * Before the runs, calibrate: measure the idle cores and probe the heaviest run briefly, and
   * lower any run's speed the machine would not carry (default false; `callstorm review` does,
   * unless given speeds). The probe's folder is `<outDir>/calibration`.
   */
  readonly calibrate?: boolean;
  /** Cores left idle by the rest of the machine, for the calibration (default: measured). */
  readonly idleCores?: () => Promise<number>;
  readonly onCalibrated?: (calibration: Calibration) => void;
  readonly onProgress?: (progress: RunProgress) => void;
  /** Where each run's simulators run (default `process`: a child process per run). */
  readonly simulators?: SimulatorsMode;
}

export interface ReviewResult {
  readonly outDir: string;
  readonly plan: ReviewPlan;
  readonly runs: readonly ReviewRunOutcome[];
  readonly verdicts: readonly ReviewVerdict[];
  /** The comparison report's index.html; null when no run of the comparison ran (stopped at once). */
  readonly report: string | null;
  /** The calibration the speeds came from (null: the plan's speeds and the overrides). */
  readonly calibration: Calibration | null;
}

/** How much slower an invalid run is run again. */
export const RERUN_SPEED_FACTOR = 0.5;

/** Why a run's evidence is the harness's, and a slower run might give the agent's: null when it is not. */
export function rerunBecause(manifest: ReviewRunResult['manifest']): string | null {
  if (manifest.status === 'interrupted') return null;
  if (manifest.invalid !== null) return manifest.invalid;
  if (manifest.deadline?.reached) return manifest.reason ?? 'the run deadline cut it short';
  return null;
}

/** A run's evaluation, or — for a folder that fails its integrity checks — what is wrong with it. */
function evaluated(
  dir: string,
  run: ReviewRun,
): RunEvaluation | { readonly unreadable: UnreadableReviewRun } {
  const r = evaluateRunOrUnreadable(dir);
  return 'evaluation' in r
    ? r.evaluation
    : { unreadable: { label: run.label, problem: r.unreadable.problem } };
}

/**
 * Runs the plan's runs in order (stopping after one that was interrupted; an invalid one is run
 * again once, slower, and the slower run's evidence is the run's), judges each verdict group by
 * its gate, and writes each run's report and the comparison report.
 */
export async function runPromotionReview(options: ReviewOptions): Promise<ReviewResult> {
  // The plan and its speeds first: a bad one is refused with nothing created.
  const plan = typeof options.plan === 'object' ? options.plan : loadReviewPlan(options.plan);
  const planned = resolveReviewRuns(plan, options.vertical, options.speeds);
  const outDir = prepareOutputFolder(options.outDir, { option: '--out', what: 'the review' });
  const execute = options.execute ?? executeReviewRun;
  const seed = options.seed ?? 1;
  mkdirSync(join(outDir, 'runs'), { recursive: true });
  let calibration: Calibration | null = null;
  if (options.calibrate && !options.signal?.aborted) {
    calibration = await calibrateSpeeds(planned, {
      vertical: options.vertical,
      seed,
      ...(options.idleCores ? { idleCores: options.idleCores } : {}),
      probe: async (run): Promise<ProbeReport> => {
        const r = await execute({
          run,
          vertical: options.vertical,
          seed,
          out: join(outDir, 'calibration'),
          ...(options.simulators ? { simulators: options.simulators } : {}),
          ...(options.signal ? { signal: options.signal } : {}),
        });
        const h = r.manifest.harness;
        return {
          cpu: { driver: h?.driver ?? null, simulators: h?.simulators ?? null, agent: h?.agent ?? null },
          invalid: r.manifest.invalid,
        };
      },
    });
    options.onCalibrated?.(calibration);
  }
  const speeds = calibration?.speeds;
  const runsToMake = speeds ? planned.map((r) => ({ ...r, speed: speeds.get(r.label) ?? r.speed })) : planned;
  const outcomes: ReviewRunOutcome[] = [];
  const unreadable: UnreadableReviewRun[] = [];
  const request = (run: ReviewRun, folder: string): ReviewRunRequest => ({
    run,
    vertical: options.vertical,
    seed,
    out: join(outDir, 'runs', folder),
    ...(options.simulators ? { simulators: options.simulators } : {}),
    ...(options.signal ? { signal: options.signal } : {}),
    ...(options.onProgress ? { onProgress: options.onProgress } : {}),
  });
  for (const [i, first] of runsToMake.entries()) {
    if (options.signal?.aborted) break;
    options.onRunStart?.(first, i, runsToMake.length);
    let run = first;
    let result = await execute(request(run, run.label));
    options.onRunEnd?.(run, result);
    const why = options.rerunInvalid === false ? null : rerunBecause(result.manifest);
    let rerun: ReviewRunOutcome['rerun'];
    const slower = Math.max(SPEED_BOUNDS.min, first.speed * RERUN_SPEED_FACTOR);
    if (why !== null && !options.signal?.aborted && slower < first.speed) {
      run = { ...first, speed: slower };
      options.onRerun?.(first, run, why);
      rerun = { dir: result.dir, speed: first.speed, invalid: why };
      result = await execute(request(run, `${first.label}-slower`));
      options.onRunEnd?.(run, result);
    }
    const e = evaluated(result.dir, run);
    if ('unreadable' in e) unreadable.push(e.unreadable);
    else {
      const note =
        rerun === undefined
          ? []
          : [
              `run again at ×${run.speed} after the first run at ×${rerun.speed} could not judge the agent (${rerun.invalid}); that run's folder: ${rerun.dir}`,
            ];
      const evaluation = note.length > 0 ? { ...e, notes: [...note, ...(e.notes ?? [])] } : e;
      outcomes.push({ run, dir: result.dir, evaluation, ...(rerun ? { rerun } : {}) });
    }
    if (result.manifest.status === 'interrupted') break;
  }

  const verdicts = judgeReview(plan.verdicts, outcomes, undefined, unreadable);
  for (const r of outcomes) {
    const gate = verdictOfRun(verdicts, r.run.label)?.gate;
    await writeRunReport(r.evaluation, { outDir: join(r.dir, 'report'), ...(gate ? { gate } : {}) });
  }
  const comparison = reviewComparison(plan, outcomes, verdicts);
  // Stopped before its first run: nothing to compare.
  if (comparison.runs.length === 0)
    return { outDir, plan, runs: outcomes, verdicts, report: null, calibration };
  await writeCompareReport(
    comparison.runs.map((r) => r.evaluation),
    { outDir, gates: comparison.gates },
  );
  return { outDir, plan, runs: outcomes, verdicts, report: join(outDir, 'index.html'), calibration };
}
