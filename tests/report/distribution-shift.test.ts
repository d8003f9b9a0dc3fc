import { expect, test } from 'vitest';
import { distributionShift } from '../../src/report/distribution-shift.ts';
import type { CohortSummary } from '../../src/slo/run-evaluation.ts';

const cohort = (name: string, calls: number, resolved: number): CohortSummary => ({
  cohort: name,
  calls,
  resolved,
  containment: calls === 0 ? 0 : resolved / calls,
  meanAsrConfidence: 0.85,
});

// Hand-computed: scale shares a .4, b .3, d .2, c .1; the pilot covered a, b and c (c thinly) and
// never saw d, so 80 % of scale calls are covered. Reweighted = (.4×.7 + .3×.5 + .1×.8) / .8
// = .51 / .8 = .6375. Scale measured (240 + 120 + 50 + 60) / 1000 = .47.
const pilot = {
  runId: 'p',
  stage: 'pilot',
  containment: 103 / 160,
  cohorts: [cohort('a', 100, 70), cohort('b', 50, 25), cohort('c', 10, 8), cohort('e', 0, 0)],
};
const scale = {
  runId: 's',
  stage: 'scale',
  containment: 0.47,
  cohorts: [
    cohort('a', 400, 240),
    cohort('b', 300, 120),
    cohort('c', 100, 50),
    cohort('d', 200, 60),
    cohort('e', 0, 0),
  ],
};

test('reweights pilot containment per cohort to the scale mix over the cohorts the pilot covered', () => {
  const shift = distributionShift(pilot, scale);
  expect(shift.pilotAsMeasured).toBeCloseTo(0.64375, 10);
  expect(shift.pilotReweighted).toBeCloseTo(0.6375, 10);
  expect(shift.scaleMeasured).toBe(0.47);
  expect(shift.coveredShare).toBeCloseTo(0.8, 10);
  expect(shift.pilotStage).toBe('pilot');
  expect(shift.scaleStage).toBe('scale');
});

test('lists every scale cohort with calls, largest share first, flagging uncovered and thin ones', () => {
  const shift = distributionShift(pilot, scale);
  expect(shift.cohorts.map((c) => c.cohort)).toEqual(['a', 'b', 'd', 'c']);
  expect(shift.uncovered).toEqual(['d']);
  const by = Object.fromEntries(shift.cohorts.map((c) => [c.cohort, c]));
  expect(by.a).toMatchObject({
    scaleShare: 0.4,
    pilotCalls: 100,
    pilotContainment: 0.7,
    covered: true,
    thin: false,
  });
  expect(by.a!.gap).toBeCloseTo(-0.1, 10);
  expect(by.c).toMatchObject({ covered: true, thin: true, pilotCalls: 10 });
  expect(by.c!.gap).toBeCloseTo(-0.3, 10);
  expect(by.d).toMatchObject({
    covered: false,
    thin: false,
    pilotCalls: 0,
    pilotContainment: null,
    gap: null,
  });
});

test('a pilot that covered no scale cohort predicts nothing', () => {
  const shift = distributionShift({ ...pilot, cohorts: [cohort('z', 50, 40)] }, scale);
  expect(shift.pilotReweighted).toBeNull();
  expect(shift.coveredShare).toBe(0);
  expect(shift.uncovered).toEqual(['a', 'b', 'd', 'c']);
});
