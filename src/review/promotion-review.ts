import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { createCallGenerator } from '../../simulators/callers/call-generator.ts';
import { SLOT_MS } from '../../simulators/callers/rate-calendar.ts';
import { loadDrill } from '../chaos/drill-schema.ts';
import { createRunChaos } from '../chaos/run-chaos.ts';
import { executeRun, type RunProgress, type RunResult } from '../driver/execute-run.ts';
import type { SimulatorsMode } from '../driver/run-simulators.ts';
import { writeCompareReport } from '../report/write-compare-report.ts';
import { writeRunReport } from '../report/write-run-report.ts';
import { loadScenario } from '../scenario/load-scenario.ts';
import { evaluateGate } from '../slo/evaluate-gate.ts';
import { evaluateRun } from '../slo/evaluate-run.ts';
import { loadGate } from '../slo/gate-schema.ts';
import type { GateResult, RunEvaluation } from '../slo/run-evaluation.ts';

/** One run of a promotion review. */
export interface ReviewRun {
  readonly label: string;
  readonly stage: 'pilot' | 'hardening' | 'scale';
  readonly window: string;
  readonly speed: number;
  readonly agent: string;
  readonly drill: string | null;
}

/**
 * Scale runs play a peak hour at ×100 (36 s): at ×120 the simulators, which share the driver's
 * process, occasionally held its event loop long enough during an LLM failover to make more than
 * 1 % of calls start over 250 ms late, and the run was rightly marked invalid.
 */
const SCALE_SPEED = 100;

/** The scale drills a promotion to scale must pass (the programme's three named fears). */
export const REVIEW_DRILLS = ['llm-regional-outage', 'crm-rate-limiting', 'asr-confidence-collapse'] as const;

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

/**
 * The full review against the reference agent: pilot, hardening and scale of one vertical on the
 * production architecture, then the three named drills at scale for both the production and the
 * pilot architecture. Windows and speeds keep it to about six minutes on two cores.
 */
export function promotionReviewPlan(vertical: string): ReviewRun[] {
  const production = 'reference:production';
  return [
    {
      label: 'pilot',
      stage: 'pilot',
      window: peakDayBusinessHours(vertical, 'pilot'),
      speed: 1_200,
      agent: production,
      drill: null,
    },
    {
      label: 'hardening',
      stage: 'hardening',
      window: 'peak-hour',
      speed: 120,
      agent: production,
      drill: null,
    },
    {
      label: 'scale',
      stage: 'scale',
      window: 'peak-hour',
      speed: SCALE_SPEED,
      agent: production,
      drill: null,
    },
    ...(['production', 'pilot'] as const).flatMap((profile) =>
      REVIEW_DRILLS.map((drill) => ({
        label: `scale-${drill}-${profile}`,
        stage: 'scale' as const,
        window: 'peak-hour',
        speed: SCALE_SPEED,
        agent: `reference:${profile}`,
        drill,
      })),
    ),
  ];
}

export interface ReviewOptions {
  readonly vertical: string;
  /** Folder of the review (runs go in `runs/`, the comparison report at the top). */
  readonly outDir: string;
  readonly seed?: number;
  readonly signal?: AbortSignal;
  readonly plan?: readonly ReviewRun[];
  readonly onRunStart?: (run: ReviewRun, index: number, total: number) => void;
  readonly onRunEnd?: (run: ReviewRun, result: RunResult) => void;
  readonly onProgress?: (progress: RunProgress) => void;
  /** Where each run's simulators run (default `process`: a child process per run). */
  readonly simulators?: SimulatorsMode;
}

export interface ReviewVerdict {
  /** `pilot`, `hardening`, `scale (production architecture)`, `scale (pilot architecture)`. */
  readonly label: string;
  readonly gate: GateResult;
  /** Labels of the runs the gate judged. */
  readonly runs: readonly string[];
}

export interface ReviewResult {
  readonly outDir: string;
  readonly runs: readonly {
    readonly run: ReviewRun;
    readonly dir: string;
    readonly evaluation: RunEvaluation;
  }[];
  readonly verdicts: readonly ReviewVerdict[];
  /** The comparison report's index.html. */
  readonly report: string;
}

/** Runs the review, judges every stage by its gate and writes the reports. */
export async function runPromotionReview(options: ReviewOptions): Promise<ReviewResult> {
  const outDir = resolve(options.outDir);
  const plan = options.plan ?? promotionReviewPlan(options.vertical);
  const seed = options.seed ?? 1;
  mkdirSync(join(outDir, 'runs'), { recursive: true });
  const runs: { run: ReviewRun; dir: string; evaluation: RunEvaluation }[] = [];
  for (const [i, run] of plan.entries()) {
    if (options.signal?.aborted) break;
    options.onRunStart?.(run, i, plan.length);
    const drill = run.drill ? loadDrill(run.drill) : null;
    const result = await executeRun({
      vertical: options.vertical,
      stage: run.stage,
      window: run.window,
      speed: run.speed,
      seed,
      agent: run.agent,
      out: join(outDir, 'runs', run.label),
      ...(drill ? { drill: drill.name, chaos: (ctx) => createRunChaos({ drill, seed, ...ctx }) } : {}),
      ...(options.simulators ? { simulators: options.simulators } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
      ...(options.onProgress ? { onProgress: options.onProgress, progressEveryMs: 5_000 } : {}),
    });
    options.onRunEnd?.(run, result);
    runs.push({ run, dir: result.dir, evaluation: evaluateRun(result.dir) });
    if (result.manifest.status === 'interrupted') break;
  }

  const verdicts: ReviewVerdict[] = [];
  const judge = (label: string, stage: string, picked: typeof runs) => {
    if (picked.length === 0) return;
    verdicts.push({
      label,
      gate: evaluateGate(
        loadGate(stage),
        picked.map((r) => r.evaluation),
      ),
      runs: picked.map((r) => r.run.label),
    });
  };
  judge(
    'pilot',
    'pilot',
    runs.filter((r) => r.run.stage === 'pilot'),
  );
  judge(
    'hardening',
    'hardening',
    runs.filter((r) => r.run.stage === 'hardening'),
  );
  const scaleBaseline = runs.filter((r) => r.run.stage === 'scale' && r.run.drill === null);
  for (const profile of ['production', 'pilot']) {
    const drills = runs.filter(
      (r) => r.run.stage === 'scale' && r.run.drill !== null && r.run.agent === `reference:${profile}`,
    );
    // The baseline ran on the production architecture; the pilot architecture is judged on its drills.
    judge(
      `scale (${profile} architecture)`,
      'scale',
      profile === 'production' ? [...scaleBaseline, ...drills] : drills,
    );
  }

  for (const r of runs) {
    const gate = verdicts.find((v) => v.runs.includes(r.run.label))?.gate;
    await writeRunReport(r.evaluation, { outDir: join(r.dir, 'report'), ...(gate ? { gate } : {}) });
  }
  const stageRuns = runs.filter((r) => r.run.drill === null);
  await writeCompareReport(
    [...stageRuns, ...runs.filter((r) => r.run.drill !== null)].map((r) => r.evaluation),
    {
      outDir,
      gates: verdicts.filter((v) => !v.label.includes('pilot architecture')).map((v) => v.gate),
    },
  );
  return { outDir, runs, verdicts, report: join(outDir, 'index.html') };
}
