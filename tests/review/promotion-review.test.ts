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
function fakeExecutor(
  status: (label: string) => RunManifest['status'] = () => 'complete',
  more: (request: ReviewRunRequest) => Partial<RunManifest> = () => ({}),
) {
  const requests: ReviewRunRequest[] = [];
  const execute: ReviewRunExecutor = async (request) => {
    requests.push(request);
    const { run } = request;
    const stage = basename(run.stage, '.yaml');
    const dir = writeRunFolder(dirname(request.out), {
      runId: basename(request.out),
      manifest: {
        ...more(request),
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

test('an invalid run is run again once at half its speed, and the slower run’s evidence is judged, saying so', async () => {
  const outDir = join(tempRoot(), 'review');
  const invalid =
    'the simulators’ event loop lagged p99 180 ms (limit 100 ms): this machine cannot carry ×100; lower --speed';
  const { execute, requests } = fakeExecutor(
    () => 'complete',
    (r) => (r.run.label === 'scale' && !r.out.endsWith('-slower') ? { invalid } : {}),
  );
  const reruns: string[] = [];
  const result = await runPromotionReview({
    vertical: 'claims',
    outDir,
    plan: SMALL_PLAN,
    execute,
    onRerun: (first, slower, why) => reruns.push(`${first.label} ×${first.speed} → ×${slower.speed}: ${why}`),
  });
  expect(requests.map((r) => [r.run.label, r.run.speed, basename(r.out)])).toEqual([
    ['scale', 100, 'scale'],
    ['scale', 50, 'scale-slower'],
    ['outage-production', 100, 'outage-production'],
    ['outage-pilot', 80, 'outage-pilot'],
  ]);
  expect(reruns).toEqual([`scale ×100 → ×50: ${invalid}`]);
  const scale = result.runs.find((r) => r.run.label === 'scale')!;
  expect(scale.run.speed).toBe(50);
  expect(scale.dir).toBe(join(outDir, 'runs', 'scale-slower'));
  expect(scale.rerun).toEqual({ dir: join(outDir, 'runs', 'scale'), speed: 100, invalid });
  expect(scale.evaluation.invalid).toBeNull();
  expect(scale.evaluation.notes?.[0]).toMatch(
    /^run again at ×50 after the first run at ×100 could not judge the agent/,
  );
  // The valid second run is what the gate judged: no reason about validity is open.
  const production = result.verdicts[0]!.gate;
  expect(production.reasons.find((r) => r.name === `${scale.evaluation.runId} valid`)?.outcome).toBe('held');
  // Its report says so too.
  expect(readFileSync(join(scale.dir, 'report', 'summary.md'), 'utf8')).toContain('run again at ×50');
});

test('a run still invalid when run slower settles INCONCLUSIVE, never NO-GO', async () => {
  const outDir = join(tempRoot(), 'review');
  const { execute, requests } = fakeExecutor(
    () => 'complete',
    (r) =>
      r.run.label === 'outage-pilot' ? { invalid: '30 of 610 calls started more than 250 ms late' } : {},
  );
  const result = await runPromotionReview({ vertical: 'claims', outDir, plan: SMALL_PLAN, execute });
  expect(requests.filter((r) => r.run.label === 'outage-pilot').map((r) => r.run.speed)).toEqual([80, 40]);
  const pilot = result.verdicts.find((v) => v.label === 'pilot architecture')!.gate;
  expect(pilot.verdict).toBe('INCONCLUSIVE');
  expect(pilot.reasons.filter((r) => r.outcome === 'failed')).toEqual([]);
});

test('a review run whose folder fails its integrity checks makes its verdict INCONCLUSIVE', async () => {
  const outDir = join(tempRoot(), 'review');
  const { execute } = fakeExecutor(
    () => 'complete',
    (r) => (r.run.label === 'outage-pilot' ? { counts: { 'call.finished': 3 } } : {}),
  );
  const result = await runPromotionReview({ vertical: 'claims', outDir, plan: SMALL_PLAN, execute });
  expect(result.runs.map((r) => r.run.label)).toEqual(['scale', 'outage-production']);
  const pilot = result.verdicts.find((v) => v.label === 'pilot architecture')!.gate;
  expect(pilot.verdict).toBe('INCONCLUSIVE');
  expect(pilot.reasons[0]).toMatchObject({
    subject: 'readable',
    outcome: 'inconclusive',
    detail: expect.stringContaining('holds 120 calls but manifest.json says 3 finished'),
  });
});

test('calibration: the idle cores and one short probe lower the speeds the machine would not carry', async () => {
  const outDir = join(tempRoot(), 'review');
  // The probe (a scale baseline at ×100) finds the agent using 140 % of a core: it would saturate.
  const probeHealth = {
    driver: { eventLoopDelayP99Ms: 15, cpuPercent: 20 },
    simulators: { eventLoopDelayP99Ms: 30, cpuPercent: 50 },
    agent: { eventLoopDelayP99Ms: 60, cpuPercent: 140 },
    faults: null,
  };
  const { execute, requests } = fakeExecutor(
    () => 'complete',
    (r) => (r.run.label === 'calibration' ? { harness: probeHealth } : {}),
  );
  const summaries: string[] = [];
  const result = await runPromotionReview({
    vertical: 'claims',
    outDir,
    plan: SMALL_PLAN,
    execute,
    calibrate: true,
    idleCores: async () => 2,
    onCalibrated: (c) => summaries.push(c.summary),
  });
  const probe = requests[0]!;
  expect(probe.out).toBe(join(outDir, 'calibration'));
  expect(probe.run).toMatchObject({ label: 'calibration', stage: 'scale', speed: 100, drill: null });
  // Ten minutes of the heaviest run's window.
  const [from, to] = probe.run.window.split('/').map((t) => Date.parse(t));
  expect(to! - from!).toBe(600_000);
  // The agent at 140 % of a core at ×100: 70 % (the per-process limit) at ×50.
  expect(requests.slice(1).map((r) => [r.run.label, r.run.speed])).toEqual([
    ['scale', 50],
    ['outage-production', 50],
    ['outage-pilot', 50],
  ]);
  expect(result.calibration?.idleCores).toBe(2);
  expect(summaries[0]).toBe(
    '2.0 idle cores; a scale probe at ×100 used driver 20 %, simulators 50 %, agent 140 % of a core: scale ×50 (plan ×100), outage-production ×50 (plan ×100), outage-pilot ×50 (plan ×80)',
  );
});

test('calibration never raises a speed, and an idle machine keeps the plan’s', async () => {
  const outDir = join(tempRoot(), 'review');
  const calm = { eventLoopDelayP99Ms: 10, cpuPercent: 10 };
  const { execute, requests } = fakeExecutor(
    () => 'complete',
    (r) =>
      r.run.label === 'calibration'
        ? { harness: { driver: calm, simulators: calm, agent: calm, faults: null } }
        : {},
  );
  await runPromotionReview({
    vertical: 'claims',
    outDir,
    plan: SMALL_PLAN,
    execute,
    calibrate: true,
    idleCores: async () => 2,
  });
  expect(requests.slice(1).map((r) => r.run.speed)).toEqual([100, 100, 80]);
});
