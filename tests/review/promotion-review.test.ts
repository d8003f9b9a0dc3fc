import { existsSync, readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { expect, test } from 'vitest';
import {
  judgeReview,
  type ReviewRunOutcome,
  reviewComparison,
  runsOfVerdict,
  verdictOfRun,
} from '../../src/review/judge-review.ts';
import {
  type ReviewRunExecutor,
  type ReviewRunRequest,
  runPromotionReview,
} from '../../src/review/promotion-review.ts';
import { resolveReviewRuns } from '../../src/review/resolve-review-runs.ts';
import { loadReviewPlan, parseReviewPlan } from '../../src/review/review-plan-schema.ts';
import { evaluateRun } from '../../src/slo/evaluate-run.ts';
import type { RunManifest } from '../../src/telemetry/run-manifest.ts';
import { healthyCalls, tempRoot, writeRunFolder } from '../slo/run-folders.ts';

/**
 * A run executor that runs nothing: it writes a healthy run folder of the requested run where the
 * review asked for it (a drill run with its drill passed), so the review's evaluation, gates and
 * reports work on real folders.
 */
function fakeExecutor(status: (label: string) => RunManifest['status'] = () => 'complete') {
  const requests: ReviewRunRequest[] = [];
  const execute: ReviewRunExecutor = async (request) => {
    requests.push(request);
    const { run } = request;
    const stage = basename(run.stage, '.yaml');
    const dir = writeRunFolder(dirname(request.out), {
      runId: basename(request.out),
      manifest: {
        status: status(run.label),
        complete: status(run.label) === 'complete',
        drill: run.drill,
        agent: run.agent,
        scenario: {
          vertical: request.vertical,
          stage,
          window: run.window,
          windowStart: '2026-03-30T09:00:00.000Z',
          windowEnd: '2026-03-30T10:00:00.000Z',
          expectedCalls: 60,
          seed: request.seed,
          speed: run.speed,
        },
      },
      calls: healthyCalls(() => ({ runId: run.label, stage })),
    });
    const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as RunManifest;
    return { dir, manifest };
  };
  return { execute, requests };
}

/** Every run of the shipped plan, executed by the fake executor and evaluated. */
async function shippedOutcomes(): Promise<ReviewRunOutcome[]> {
  const root = tempRoot();
  const { execute } = fakeExecutor();
  const outcomes: ReviewRunOutcome[] = [];
  for (const run of resolveReviewRuns(loadReviewPlan(), 'collections')) {
    const r = await execute({ run, vertical: 'collections', seed: 1, out: join(root, run.label) });
    outcomes.push({ run, dir: r.dir, evaluation: evaluateRun(r.dir) });
  }
  return outcomes;
}

test('each verdict group judges the runs the plan names for it, in the order they ran', async () => {
  const plan = loadReviewPlan();
  const outcomes = await shippedOutcomes();
  const labels = (group: number) => runsOfVerdict(plan.verdicts[group]!, outcomes).map((o) => o.run.label);
  expect(labels(0)).toEqual(['pilot']);
  expect(labels(1)).toEqual(['hardening']);
  expect(labels(2)).toEqual([
    'scale',
    'scale-llm-regional-outage-production',
    'scale-crm-rate-limiting-production',
    'scale-asr-confidence-collapse-production',
  ]);
  expect(labels(3)).toEqual([
    'scale-llm-regional-outage-pilot',
    'scale-crm-rate-limiting-pilot',
    'scale-asr-confidence-collapse-pilot',
  ]);
  // Runs that did not run (an interrupted review) are left out; a group with none gives no verdict.
  const partial = judgeReview(plan.verdicts, outcomes.slice(0, 4));
  expect(partial.map((v) => [v.label, v.runs])).toEqual([
    ['pilot', ['pilot']],
    ['hardening', ['hardening']],
    ['scale (production architecture)', ['scale', 'scale-llm-regional-outage-production']],
  ]);
});

test('verdicts: each gate over its runs; the pilot architecture, judged on drills alone, lacks a baseline', async () => {
  const plan = loadReviewPlan();
  const outcomes = await shippedOutcomes();
  const verdicts = judgeReview(plan.verdicts, outcomes);
  expect(verdicts.map((v) => [v.label, v.gate.gate])).toEqual([
    ['pilot', 'pilot'],
    ['hardening', 'hardening'],
    ['scale (production architecture)', 'scale'],
    ['scale (pilot architecture)', 'scale'],
  ]);
  const production = verdicts[2]!.gate;
  expect(production.reasons.filter((r) => !r.passed)).toEqual([]);
  expect(production.go).toBe(true);
  const pilotArchitecture = verdicts[3]!.gate;
  expect(pilotArchitecture.go).toBe(false);
  expect(pilotArchitecture.reasons.filter((r) => !r.passed).map((r) => r.detail)).toEqual([
    expect.stringContaining('every run had a drill'),
  ]);
  // A run's own report opens with the first verdict that judged it.
  expect(verdictOfRun(verdicts, 'scale-crm-rate-limiting-pilot')?.label).toBe('scale (pilot architecture)');
  expect(verdictOfRun(verdicts, 'nowhere')).toBeUndefined();
});

test("the comparison: every run, baselines first, with the gates of the plan's comparison verdicts", async () => {
  const plan = loadReviewPlan();
  const outcomes = await shippedOutcomes();
  const verdicts = judgeReview(plan.verdicts, outcomes);
  const shipped = reviewComparison(plan, outcomes, verdicts);
  expect(shipped.runs.map((r) => r.run.label).slice(0, 3)).toEqual(['pilot', 'hardening', 'scale']);
  expect(shipped.runs).toHaveLength(9);
  expect(shipped.gates).toEqual([verdicts[0]!.gate, verdicts[1]!.gate, verdicts[2]!.gate]);

  const everything = reviewComparison({ comparison: {} }, outcomes, verdicts);
  expect(everything.gates).toHaveLength(4);
  const chosen = reviewComparison(
    {
      comparison: {
        runs: ['scale-llm-regional-outage-pilot', 'scale'],
        verdicts: ['scale (pilot architecture)'],
      },
    },
    outcomes,
    verdicts,
  );
  expect(chosen.runs.map((r) => r.run.label)).toEqual(['scale-llm-regional-outage-pilot', 'scale']);
  expect(chosen.gates).toEqual([verdicts[3]!.gate]);
});

const SMALL_PLAN = parseReviewPlan(
  {
    kind: 'Review',
    name: 'small',
    title: 'A scale baseline and one drill on each architecture',
    runs: [
      { label: 'scale', stage: 'scale', window: 'peak-hour', speed: 100 },
      {
        label: 'outage-production',
        stage: 'scale',
        window: 'peak-hour',
        speed: 100,
        drill: 'llm-regional-outage',
      },
      {
        label: 'outage-pilot',
        stage: 'scale',
        window: 'peak-hour',
        speed: 80,
        agent: 'reference:pilot',
        drill: 'llm-regional-outage',
      },
    ],
    verdicts: [
      { label: 'production', gate: 'scale', runs: ['scale', 'outage-production'] },
      { label: 'pilot architecture', gate: 'scale', runs: ['outage-pilot'] },
    ],
    comparison: { verdicts: ['production'] },
  },
  'small.yaml',
);

test('runPromotionReview asks the executor for each run of the plan, judges them, and writes every report', async () => {
  const outDir = join(tempRoot(), 'review');
  const { execute, requests } = fakeExecutor();
  const result = await runPromotionReview({
    vertical: 'claims',
    outDir,
    seed: 7,
    plan: SMALL_PLAN,
    speeds: { factor: 0.5, byRun: new Map([['outage-pilot', 30]]) },
    execute,
  });
  expect(
    requests.map((r) => [r.run.label, r.run.speed, r.run.agent, r.run.drill, r.out, r.seed, r.vertical]),
  ).toEqual([
    ['scale', 50, 'reference:production', null, join(outDir, 'runs/scale'), 7, 'claims'],
    [
      'outage-production',
      50,
      'reference:production',
      'llm-regional-outage',
      join(outDir, 'runs/outage-production'),
      7,
      'claims',
    ],
    [
      'outage-pilot',
      30,
      'reference:pilot',
      'llm-regional-outage',
      join(outDir, 'runs/outage-pilot'),
      7,
      'claims',
    ],
  ]);
  expect(result.verdicts.map((v) => [v.label, v.gate.go])).toEqual([
    ['production', false], // two of the scale gate's three drills were not run
    ['pilot architecture', false],
  ]);
  for (const label of ['scale', 'outage-production', 'outage-pilot']) {
    expect(existsSync(join(outDir, 'runs', label, 'report', 'index.html')), label).toBe(true);
  }
  expect(result.report).toBe(join(outDir, 'index.html'));
  const comparison = JSON.parse(readFileSync(join(outDir, 'verdict.json'), 'utf8')) as {
    gates: { gate: string; runs?: unknown }[];
    evaluations: unknown[];
  };
  expect(comparison.gates).toHaveLength(1);
  expect(comparison.gates[0]).toEqual(JSON.parse(JSON.stringify(result.verdicts[0]!.gate)));
  expect(comparison.evaluations).toHaveLength(3);
});

test('the review stops after an interrupted run and judges what ran', async () => {
  const outDir = join(tempRoot(), 'review');
  const { execute, requests } = fakeExecutor((label) =>
    label === 'outage-production' ? 'interrupted' : 'complete',
  );
  const result = await runPromotionReview({ vertical: 'claims', outDir, plan: SMALL_PLAN, execute });
  expect(requests.map((r) => r.run.label)).toEqual(['scale', 'outage-production']);
  expect(result.runs).toHaveLength(2);
  expect(result.verdicts.map((v) => v.label)).toEqual(['production']);

  const aborted = new AbortController();
  aborted.abort();
  const none = fakeExecutor();
  const stopped = await runPromotionReview({
    vertical: 'claims',
    outDir: join(tempRoot(), 'review'),
    plan: SMALL_PLAN,
    execute: none.execute,
    signal: aborted.signal,
  });
  expect(none.requests).toEqual([]);
  expect(stopped.verdicts).toEqual([]);
});
