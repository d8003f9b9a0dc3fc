import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { parse, stringify } from 'yaml';
import { CallstormError } from '../../src/errors/callstorm-error.ts';
import { peakDayBusinessHours, resolveReviewRuns, withSpeeds } from '../../src/review/resolve-review-runs.ts';
import { loadReviewPlan, parseReviewPlan, type ReviewPlan } from '../../src/review/review-plan-schema.ts';
import { BUILTIN_SCENARIOS_DIR } from '../../src/scenario/scenario-files.ts';

const shippedText = readFileSync(join(BUILTIN_SCENARIOS_DIR, 'reviews/promotion.yaml'), 'utf8');
const shipped = () => parse(shippedText) as Record<string, unknown> & { runs: Record<string, unknown>[] };

function problems(data: unknown): string {
  try {
    parseReviewPlan(data, 'plan.yaml');
  } catch (error) {
    expect(error).toBeInstanceOf(CallstormError);
    return (error as CallstormError).message;
  }
  throw new Error('the plan was accepted');
}

test('the shipped plan: nine runs in order, four verdict groups, the comparison without the pilot architecture', () => {
  const plan = loadReviewPlan();
  expect(plan.name).toBe('promotion');
  expect(plan.runs.map((r) => r.label)).toEqual([
    'pilot',
    'hardening',
    'scale',
    'scale-llm-regional-outage-production',
    'scale-crm-rate-limiting-production',
    'scale-asr-confidence-collapse-production',
    'scale-llm-regional-outage-pilot',
    'scale-crm-rate-limiting-pilot',
    'scale-asr-confidence-collapse-pilot',
  ]);
  expect(plan.runs[0]).toMatchObject({ window: 'peak-day-business-hours', speed: 1200, drill: null });
  expect(plan.verdicts.map((v) => [v.label, v.gate, v.runs.length])).toEqual([
    ['pilot', 'pilot', 1],
    ['hardening', 'hardening', 1],
    ['scale (production architecture)', 'scale', 4],
    ['scale (pilot architecture)', 'scale', 3],
  ]);
  expect(plan.comparison.verdicts).toEqual(['pilot', 'hardening', 'scale (production architecture)']);
  expect(plan.comparison.runs).toBeUndefined();
  expect(Object.isFrozen(plan.runs[0])).toBe(true);
});

test('a plan that is wrong names each field by its path and says why', () => {
  const dup = shipped();
  dup.runs[1]!.label = 'pilot';
  expect(problems(dup)).toContain('review.runs[1].label: a second run "pilot"');

  const windows = shipped();
  windows.runs[1]!.window = 'A/B/C';
  windows.runs[2]!.window = '2026-02-30T09:00/2026-03-02T10:00';
  windows.runs[3]!.window = 'fortnight';
  const w = problems(windows);
  expect(w).toContain('review.runs[1].window: "A/B/C": 3 parts; a window has exactly two ends');
  expect(w).toContain('review.runs[2].window: "2026-02-30T09:00": February 2026 has no day 30');
  expect(w).toContain('review.runs[3].window: unknown window "fortnight"');

  const speeds = shipped();
  speeds.runs[0]!.speed = 1e-308;
  speeds.runs[1]!.speed = 50_000;
  const s = problems(speeds);
  expect(s).toContain('review.runs[0].speed: a speed is from 0.1 to 10,000');
  expect(s).toContain('review.runs[1].speed: a speed is from 0.1 to 10,000');

  const agents = shipped();
  agents.runs[0]!.agent = 'reference:staging';
  agents.runs[1]!.agent = '__proto__:x';
  const a = problems(agents);
  expect(a).toContain(
    'review.runs[0].agent: expected reference:pilot, reference:production or http://127.0.0.1:PORT',
  );
  expect(a).toContain('review.runs[1].agent: expected');

  const refs = shipped() as ReturnType<typeof shipped> & {
    verdicts: { runs: string[] }[];
    comparison: { verdicts: string[] };
  };
  refs.verdicts[2]!.runs.push('scale-latency-spike');
  refs.comparison.verdicts.push('scale (staging)');
  const r = problems(refs);
  expect(r).toContain(
    'review.verdicts[2].runs[4]: no run "scale-latency-spike" (runs: pilot, hardening, scale,',
  );
  expect(r).toContain('review.comparison.verdicts[3]: no verdict "scale (staging)"');

  const extra = { ...shipped(), schedule: 'nightly' };
  expect(problems(extra)).toContain('review: unknown field "schedule"');
  expect(problems({ ...shipped(), runs: [] })).toContain('review.runs:');
});

test('stage, drill and gate paths in a Review file are relative to it; names stay names', () => {
  const dir = mkdtempSync(join(tmpdir(), 'callstorm-review-plan-'));
  mkdirSync(join(dir, 'mine'));
  const plan = shipped();
  plan.runs = [
    { label: 'own', stage: 'mine/stage.yaml', window: 'peak-hour', speed: 100, drill: 'mine/drill.yaml' },
  ];
  plan.verdicts = [{ label: 'own', gate: 'mine/gate.yaml', runs: ['own'] }];
  plan.comparison = {};
  writeFileSync(join(dir, 'plan.yaml'), stringify(plan));
  const loaded = loadReviewPlan(join(dir, 'plan.yaml'));
  expect(loaded.runs[0]).toMatchObject({
    stage: join(dir, 'mine/stage.yaml'),
    drill: join(dir, 'mine/drill.yaml'),
    agent: 'reference:production',
  });
  expect(loaded.verdicts[0]!.gate).toBe(join(dir, 'mine/gate.yaml'));
  expect(loadReviewPlan('promotion').runs[3]!.drill).toBe('llm-regional-outage');
});

test('an unknown plan name lists the shipped ones', () => {
  expect(() => loadReviewPlan('quarterly')).toThrow(/unknown review plan "quarterly"/);
  try {
    loadReviewPlan('quarterly');
  } catch (error) {
    expect((error as CallstormError).hint).toContain('promotion');
  }
});

test("speeds: --speed <label>=<x> sets a run's speed, --speed-factor scales the others, within bounds", () => {
  const plan: ReviewPlan = loadReviewPlan();
  const runs = withSpeeds(plan, { factor: 0.5, byRun: new Map([['pilot', 600]]) });
  expect(runs.map((r) => r.speed)).toEqual([600, 60, 50, 50, 50, 50, 50, 50, 50]);
  expect(withSpeeds(plan).map((r) => r.speed)).toEqual(plan.runs.map((r) => r.speed));

  expect(() => withSpeeds(plan, { byRun: new Map([['scale-pilot', 10]]) })).toThrow(
    'bad value for --speed: review plan "promotion" has no run "scale-pilot"',
  );
  expect(() => withSpeeds(plan, { byRun: new Map([['__proto__', 10]]) })).toThrow('has no run "__proto__"');
  // ×1,200 × 10 leaves the bounds: the run is named.
  expect(() => withSpeeds(plan, { factor: 10 })).toThrow(
    'bad value for --speed-factor: run "pilot" would play at ×12,000, outside 0.1–10,000',
  );
});

test("peak-day-business-hours resolves to the business hours of the stage's busiest day; other windows pass as written", () => {
  const runs = resolveReviewRuns(loadReviewPlan(), 'collections');
  expect(runs[0]!.window).toBe(peakDayBusinessHours('collections', 'pilot'));
  expect(runs[0]!.window).toMatch(/^2026-03-\d\dT\d\d:\d\d:00Z\/2026-03-\d\dT\d\d:\d\d:00Z$/);
  expect(runs.slice(1).every((r) => r.window === 'peak-hour')).toBe(true);
  expect(runs[6]).toEqual({
    label: 'scale-llm-regional-outage-pilot',
    stage: 'scale',
    window: 'peak-hour',
    speed: 100,
    agent: 'reference:pilot',
    agentCmd: null,
    drill: 'llm-regional-outage',
  });
});

test('a run can start your own agent (agentCmd, as --agent-cmd); its agent is then a URL, not reference:…', () => {
  const own = shipped();
  own.runs[1] = { ...own.runs[1]!, agentCmd: 'python agent.py', agent: 'http://127.0.0.1:{port}' };
  const plan = parseReviewPlan(own, 'plan.yaml');
  expect(resolveReviewRuns(plan, 'collections')[1]).toMatchObject({
    agent: 'http://127.0.0.1:{port}',
    agentCmd: 'python agent.py',
  });
  expect(resolveReviewRuns(plan, 'collections')[2]!.agentCmd).toBeNull();
  const wrong = shipped();
  wrong.runs[1] = { ...wrong.runs[1]!, agentCmd: 'python agent.py' };
  wrong.runs[2] = { ...wrong.runs[2]!, agentCmd: '' };
  const w = problems(wrong);
  expect(w).toContain(
    'review.runs[1].agent: is "reference:production", but agentCmd starts your own agent: give the URL it listens on',
  );
  expect(w).toContain('review.runs[2].agentCmd:');
});
