import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { drillRun } from '../chaos/run-chaos.ts';
import { executeRun, type RunProgress, type RunResult } from '../driver/execute-run.ts';
import type { SimulatorsMode } from '../driver/run-simulators.ts';
import { writeCompareReport } from '../report/write-compare-report.ts';
import { writeRunReport } from '../report/write-run-report.ts';
import { evaluateRun } from '../slo/evaluate-run.ts';
import type { RunEvaluation } from '../slo/run-evaluation.ts';
import {
  judgeReview,
  type ReviewRunOutcome,
  type ReviewVerdict,
  reviewComparison,
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
}

/**
 * Runs the plan's runs in order (stopping after one that was interrupted), judges each verdict
 * group by its gate, and writes each run's report and the comparison report.
 */
export async function runPromotionReview(options: ReviewOptions): Promise<ReviewResult> {
  const outDir = resolve(options.outDir);
  const plan = typeof options.plan === 'object' ? options.plan : loadReviewPlan(options.plan);
  const runsToMake = resolveReviewRuns(plan, options.vertical, options.speeds);
  const execute = options.execute ?? executeReviewRun;
  const seed = options.seed ?? 1;
  mkdirSync(join(outDir, 'runs'), { recursive: true });
  const outcomes: ReviewRunOutcome[] = [];
  for (const [i, run] of runsToMake.entries()) {
    if (options.signal?.aborted) break;
    options.onRunStart?.(run, i, runsToMake.length);
    const result = await execute({
      run,
      vertical: options.vertical,
      seed,
      out: join(outDir, 'runs', run.label),
      ...(options.simulators ? { simulators: options.simulators } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
      ...(options.onProgress ? { onProgress: options.onProgress } : {}),
    });
    options.onRunEnd?.(run, result);
    const evaluation: RunEvaluation = evaluateRun(result.dir);
    outcomes.push({ run, dir: result.dir, evaluation });
    if (result.manifest.status === 'interrupted') break;
  }

  const verdicts = judgeReview(plan.verdicts, outcomes);
  for (const r of outcomes) {
    const gate = verdictOfRun(verdicts, r.run.label)?.gate;
    await writeRunReport(r.evaluation, { outDir: join(r.dir, 'report'), ...(gate ? { gate } : {}) });
  }
  const comparison = reviewComparison(plan, outcomes, verdicts);
  // Stopped before its first run: nothing to compare.
  if (comparison.runs.length === 0) return { outDir, plan, runs: outcomes, verdicts, report: null };
  await writeCompareReport(
    comparison.runs.map((r) => r.evaluation),
    { outDir, gates: comparison.gates },
  );
  return { outDir, plan, runs: outcomes, verdicts, report: join(outDir, 'index.html') };
}
