import { expect, test } from 'vitest';
import { type BudgetUnit, burnDown, burnRateWindows, errorBudget } from '../../src/slo/error-budget.ts';
import { evaluateSlo } from '../../src/slo/evaluate-slo.ts';
import type { PriceList } from '../../src/slo/price-list.ts';
import { parseSloSet } from '../../src/slo/slo-set.ts';
import { call, turn } from '../chaos/call-records.ts';

const MIN = 60_000;
const DAYS_30 = '30d';

/** 100 units, one a minute at minutes 1..100, bad at the given minutes. */
function units(bad: (k: number) => boolean): BudgetUnit[] {
  return Array.from({ length: 100 }, (_, i) => ({ atMs: (i + 1) * MIN, good: !bad(i + 1) }));
}

test('error budget: allowed = (1 − target) × events, consumed = bad events (hand-computed)', () => {
  // 100 events, 5 bad, target 99 %: 1 bad event allowed, 5 spent: 5× the budget, 4 budgets overspent.
  const b = errorBudget(
    units((k) => k >= 50 && k <= 54),
    0.99,
  );
  expect(b.allowed).toBeCloseTo(1, 10);
  expect(b.consumed).toBe(5);
  expect(b.consumedShare).toBeCloseTo(5, 10);
  expect(b.remainingShare).toBeCloseTo(-4, 10);
  // Target 90 %: 10 allowed, 5 spent: half the budget left.
  const loose = errorBudget(
    units((k) => k >= 50 && k <= 54),
    0.9,
  );
  expect(loose.consumedShare).toBeCloseTo(0.5, 10);
  expect(loose.remainingShare).toBeCloseTo(0.5, 10);
});

test('error budget: a zero-tolerance objective (target 1) has no budget, so one bad event overspends it', () => {
  expect(errorBudget([{ atMs: 1, good: true }], 1)).toEqual({
    allowed: 0,
    consumed: 0,
    consumedShare: 0,
    remainingShare: 1,
  });
  const spent = errorBudget(
    [
      { atMs: 1, good: true },
      { atMs: 2, good: false },
    ],
    1,
  );
  expect(spent.consumedShare).toBe(Number.POSITIVE_INFINITY);
  expect(burnRateWindows([{ atMs: 10 * MIN, good: false }], 1, 30 * 86_400_000, 20 * MIN)[0]!.fired).toBe(
    true,
  );
});

test('burn rates over the SRE-workbook pairs, hand-computed (target 99 %, a 30-day SLO: windows unscaled)', () => {
  // Bad at minutes 20..39 of a 100-minute run; allowed bad share 1 %, so burn = bad share × 100.
  const u = units((k) => k >= 20 && k <= 39);
  const [fast, slow, ticket] = burnRateWindows(u, 0.99, 30 * 86_400_000, 100 * MIN);

  // 1h/5m at 14.4. At t = 23 min the short window (18, 23] holds 4 bad of 5 (burn 80) and the long
  // window (clipped to the run) 4 bad of 23 (burn 17.4): both above 14.4 for the first time
  // (at 22 min the long one is 3/22 → 13.6). The long burn peaks at t = 39: 20 bad of 39 → 51.28;
  // the short at 100 (5 of 5 bad).
  expect(fast).toMatchObject({
    name: '1h/5m',
    longWindowMs: 60 * MIN,
    shortWindowMs: 5 * MIN,
    threshold: 14.4,
  });
  expect(fast!.fired).toBe(true);
  expect(fast!.firstFiredAtMs).toBe(23 * MIN);
  expect(fast!.maxLongBurnRate).toBeCloseTo(2000 / 39, 6);
  expect(fast!.maxShortBurnRate).toBeCloseTo(100, 6);

  // 6h/30m at 6: judged from t = 30 min, when the short window is full. Then both windows hold
  // minutes 1..30 with 11 bad → burn 36.7 > 6: fires at once. The short window's peak: 20 bad of 30.
  expect(slow!.firstFiredAtMs).toBe(30 * MIN);
  expect(slow!.maxShortBurnRate).toBeCloseTo(2000 / 30, 6);
  expect(slow!.maxLongBurnRate).toBeCloseTo(2000 / 39, 6);

  // 3d/6h at 1: the short window (6 h) is longer than the run, so the pair is judged once, at the
  // end, over the whole run: 20 bad of 100 → burn 20.
  expect(ticket!.maxLongBurnRate).toBeCloseTo(20, 6);
  expect(ticket!.maxShortBurnRate).toBeCloseTo(20, 6);
  expect(ticket!.firstFiredAtMs).toBe(100 * MIN);
});

test('burn rates: five bad events in a row page on the short window only, so the 1h/5m alert stays quiet', () => {
  // Bad at 50..54: short window (49, 54] is all bad (burn 100) but the long one holds 5 of 54 (9.26).
  const [fast] = burnRateWindows(
    units((k) => k >= 50 && k <= 54),
    0.99,
    30 * 86_400_000,
    100 * MIN,
  );
  expect(fast!.fired).toBe(false);
  expect(fast!.firstFiredAtMs).toBeNull();
  expect(fast!.maxShortBurnRate).toBeCloseTo(100, 6);
  expect(fast!.maxLongBurnRate).toBeCloseTo(500 / 54, 6);
});

test('burn-rate windows scale with the SLO period: a 7-day SLO uses 7/30 of the 30-day pairs', () => {
  const [fast, slow, ticket] = burnRateWindows([], 0.99, 7 * 86_400_000, 60 * MIN);
  expect(fast!.longWindowMs).toBeCloseTo(14 * MIN, 6);
  expect(fast!.shortWindowMs).toBeCloseTo(70_000, 6);
  expect(slow!.longWindowMs).toBeCloseTo(84 * MIN, 6);
  expect(ticket!.shortWindowMs).toBeCloseTo(84 * MIN, 6);
  expect([fast, slow, ticket].every((w) => !w!.fired && w!.maxLongBurnRate === 0)).toBe(true);
});

test('burn-down: remaining budget share at evenly spaced times (hand-computed)', () => {
  // Allowed = 1 bad event (1 % of 100); bad at 20..39.
  const points = burnDown(
    units((k) => k >= 20 && k <= 39),
    0.99,
    100 * MIN,
    4,
  );
  expect(points.map((p) => p.atMs)).toEqual([0, 25 * MIN, 50 * MIN, 75 * MIN, 100 * MIN]);
  expect(points.map((p) => Math.round(p.remainingShare * 1e9) / 1e9)).toEqual([1, -5, -19, -19, -19]);
});

const PRICES: PriceList = {
  kind: 'PriceList',
  name: 'test',
  description: '',
  currency: 'GBP',
  telephonyPerMinute: 0,
  asrPerMinute: 0,
  llm: { inputPer1kTokens: 0, outputPer1kTokens: 0 },
  ttsPer1kCharacters: 0,
  humanAgentPerMinute: 0,
  humanBaselinePerCall: 1,
};

function latencySlo(budgeting: string): string {
  return `apiVersion: openslo/v1
kind: SLO
metadata: { name: fast-turns }
spec:
  service: voice-agent
  indicator:
    metadata: { name: fast-turns }
    spec:
      ratioMetric:
        good: { metricSource: { type: callstorm, spec: { query: "turns where voiceToVoiceMs <= 3500" } } }
        total: { metricSource: { type: callstorm, spec: { query: turns } } }
  timeWindow: [{ duration: ${DAYS_30}, isRolling: true }]
${budgeting}`;
}

/**
 * Six 5-minute slices of ten turns each (one call per turn); slice 2 has 6 slow turns, slice 4 has
 * one. 60 turns, 7 slow.
 */
function sixSlices() {
  const calls = [];
  for (let slice = 0; slice < 6; slice++) {
    for (let i = 0; i < 10; i++) {
      const slow = (slice === 2 && i < 6) || (slice === 4 && i === 0);
      const at = slice * 5 * MIN + i * 20_000 + 1_000;
      calls.push(call(at - 60_000, { turns: [turn(at, { voiceToVoiceMs: slow ? 4000 : 900 })] }));
    }
  }
  return calls;
}

test('Occurrences vs Timeslices over the same turns (hand-computed): one bad slice fails the first, not the second', () => {
  const calls = sixSlices();
  const input = { calls, context: { flowCategories: {}, faultWindows: [] }, prices: PRICES, endMs: 30 * MIN };

  const occ = parseSloSet(
    latencySlo('  budgetingMethod: Occurrences\n  objectives: [{ target: 0.95 }]\n'),
    'occ.yaml',
  );
  const o = evaluateSlo(occ.slos[0]!, input);
  // 53 of 60 turns fast: 88.3 % < 95 %. Budget: 5 % of 60 = 3 bad turns allowed, 7 spent.
  expect([o.good, o.total, o.passed]).toEqual([53, 60, false]);
  expect(o.measured).toBeCloseTo(53 / 60, 10);
  expect(o.errorBudget.allowed).toBeCloseTo(3, 10);
  expect(o.errorBudget.consumed).toBe(7);
  expect(o.errorBudget.consumedShare).toBeCloseTo(7 / 3, 10);
  expect(o.display).toEqual({ value: '88.3 %', target: '≥ 95 %' });

  const ts = parseSloSet(
    latencySlo(
      '  budgetingMethod: Timeslices\n  objectives: [{ target: 0.8, timeSliceTarget: 0.9, timeSliceWindow: 5m }]\n',
    ),
    'ts.yaml',
  );
  const t = evaluateSlo(ts.slos[0]!, input);
  // Slices: 10/10, 10/10, 4/10 (bad: < 90 %), 10/10, 9/10 (good: ≥ 90 %), 10/10 → 5 of 6 good.
  // 83.3 % ≥ 80 %. Budget: 20 % of 6 = 1.2 slices allowed, 1 spent.
  expect([t.good, t.total, t.passed]).toEqual([5, 6, true]);
  expect(t.errorBudget.allowed).toBeCloseTo(1.2, 10);
  expect(t.errorBudget.consumedShare).toBeCloseTo(1 / 1.2, 10);
  expect(t.display.value).toBe('83.3 % of slices');
  expect(t.indicator).toContain('5m slices');
  // The bad slice is known when it ends, at 15 minutes.
  expect(t.burnDown.find((p) => p.atMs >= 15 * MIN)!.remainingShare).toBeCloseTo(1 - 1 / 1.2, 10);
});

test('a threshold SLO compares its measure per slice: p95 of each 5-minute slice against 3500 ms', () => {
  const set = parseSloSet(
    `apiVersion: openslo/v1
kind: SLO
metadata: { name: p95-per-slice }
spec:
  service: voice-agent
  indicator:
    metadata: { name: p95 }
    spec: { thresholdMetric: { metricSource: { type: callstorm, spec: { query: p95 of turns.voiceToVoiceMs } } } }
  timeWindow: [{ duration: 30d, isRolling: true }]
  budgetingMethod: Timeslices
  objectives: [{ op: lte, value: 3500, target: 0.9, timeSliceWindow: 5m }]
`,
    'p95.yaml',
  );
  const r = evaluateSlo(set.slos[0]!, {
    calls: sixSlices(),
    context: { flowCategories: {}, faultWindows: [] },
    prices: PRICES,
    endMs: 30 * MIN,
  });
  // Nearest-rank p95 of ten turns is the 10th: slice 2 (6 slow) and slice 4 (1 slow) are 4000 ms.
  expect([r.good, r.total, r.passed]).toEqual([4, 6, false]);
  expect(r.runMeasure).toBe('4,000 ms');
});
