import { expect, test } from 'vitest';
import { compareFindings } from '../../src/report/compare-findings.ts';
import { compareVerdict, runVerdict } from '../../src/report/report-verdict.ts';
import { runFindings } from '../../src/report/run-findings.ts';
import type { RunEvaluation } from '../../src/slo/run-evaluation.ts';
import {
  hardeningEvaluation,
  pilotEvaluation,
  scaleEvaluation,
  scaleGate,
  stageEvaluations,
} from './fixtures/run-evaluations.ts';

test('with a gate the verdict is the gate’s; without one it is the run’s SLOs, drill and evidence', () => {
  expect(runVerdict(scaleEvaluation, scaleGate)).toMatchObject({
    label: 'NO-GO',
    outcome: 'fail',
    passed: false,
  });
  expect(runVerdict(scaleEvaluation, { ...scaleGate, go: true, verdict: 'GO' })).toMatchObject({
    label: 'GO',
    passed: true,
  });
  expect(runVerdict(scaleEvaluation, { ...scaleGate, go: false, verdict: 'INCONCLUSIVE' })).toMatchObject({
    label: 'INCONCLUSIVE',
    outcome: 'inconclusive',
    passed: false,
  });
  expect(runVerdict(scaleEvaluation).label).toBe('FAIL');
  expect(runVerdict(hardeningEvaluation)).toMatchObject({
    label: 'PASS',
    basis: 'no gate applied; 4 of 4 SLOs met',
  });
  // Evidence that cannot describe the agent is neither a pass nor a fail.
  expect(runVerdict({ ...hardeningEvaluation, invalid: 'driver fell behind' })).toMatchObject({
    label: 'INCONCLUSIVE',
    basis: 'no gate applied; 4 of 4 SLOs met; the run is invalid: driver fell behind',
  });
  expect(runVerdict({ ...hardeningEvaluation, complete: false }).label).toBe('INCONCLUSIVE');
  expect(
    runVerdict({
      ...hardeningEvaluation,
      complete: false,
      status: 'failed',
      endReason: 'ledger.json not written',
      inconclusive: 'the harness, not the agent, stopped the run: ledger.json not written',
    }).label,
  ).toBe('INCONCLUSIVE');
  // A drill's stop condition is the agent's doing: FAIL.
  expect(
    runVerdict({
      ...hardeningEvaluation,
      complete: false,
      status: 'aborted',
      endReason: 'stop condition: burn rate 20',
      inconclusive: null,
    }).label,
  ).toBe('FAIL');
  // An SLO with too few events cannot pass.
  const thin = hardeningEvaluation.slos.map((x, i) =>
    i === 0 ? { ...x, passed: null, minEvents: x.total + 1 } : x,
  );
  expect(runVerdict({ ...hardeningEvaluation, slos: thin }).label).toBe('INCONCLUSIVE');
  expect(compareVerdict([pilotEvaluation, { ...hardeningEvaluation, slos: thin }]).label).toBe(
    'INCONCLUSIVE',
  );
});

test('a failing run opens with the worst missed SLO, the failed drill check and integrity, then folds the rest', () => {
  const f = runFindings(scaleEvaluation, scaleGate);
  expect(f).toHaveLength(5);
  expect(f.map((x) => x.severity)).toEqual(['blocker', 'blocker', 'blocker', 'blocker', 'warning']);
  expect(f[0]!.text).toMatch(
    /^Voice-to-voice p95 missed: 91\.0 % against ≥ 95 %.*180 % of the error budget spent/,
  );
  expect(f[1]!.text).toContain('"the secondary EU tier answers most turns" failed');
  expect(f[2]!.text).toBe('Integrity: 3 duplicate writes of 402 expected.');
  // Gate-only conditions (a required drill never run) are not lost in the fold.
  expect(f[3]!.text).toMatch(
    /^And 6 more: baseline run: every run had a drill; .*crm-rate-limiting: not run; asr-confidence-collapse: not run\.$/,
  );
  expect(f[4]!.text).toMatch(/^Largest cohort gap: polish-english/);
});

test('a passing run still gets three findings: cohort gap, cost against the baseline, SLO headroom', () => {
  const f = runFindings(pilotEvaluation);
  expect(f).toHaveLength(3);
  expect(f.every((x) => x.severity !== 'blocker')).toBe(true);
  expect(f.map((x) => x.text).join('\n')).toMatch(/cost £0\.\d\d against £4\.10/);
  expect(f.map((x) => x.text).join('\n')).toContain('All 1 measured SLO met');
});

test('an invalid run says so first', () => {
  const invalid: RunEvaluation = { ...hardeningEvaluation, invalid: 'the driver fell 4.2 s behind schedule' };
  expect(runFindings(invalid)[0]!.text).toBe(
    'Inconclusive evidence — the run is invalid: the driver fell 4.2 s behind schedule. Its figures do not show the agent under this load: the verdict cannot rest on them.',
  );
});

test('a cost above the human baseline is a warning', () => {
  const dear: RunEvaluation = {
    ...hardeningEvaluation,
    cost: { ...hardeningEvaluation.cost, perResolved: 5 },
  };
  const cost = runFindings(dear).find((x) => x.text.startsWith('A resolved interaction cost'))!;
  expect(cost.severity).toBe('warning');
  expect(cost.text).toContain('(122 % of the human baseline)');
});

test('a comparison always tells the distribution shift and names the cohorts the pilot never saw', () => {
  const f = compareFindings(stageEvaluations, [scaleGate]);
  expect(f.length).toBeLessThanOrEqual(5);
  const shift = f.find((x) => x.text.startsWith('Distribution shift'))!;
  expect(shift.severity).toBe('warning');
  expect(shift.text).toMatch(/the pilot run predicts \d+\.\d % containment/);
  expect(shift.text).toContain('never appeared in the pilot run: brummie, irish');
  expect(f[0]!.text).toMatch(/^scale \(production\): /);
  expect(compareVerdict(stageEvaluations, [scaleGate]).label).toBe('NO-GO');
  expect(compareVerdict([pilotEvaluation, hardeningEvaluation]).label).toBe('PASS');
});
