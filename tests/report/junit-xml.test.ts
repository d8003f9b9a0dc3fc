import { expect, test } from 'vitest';
import { junitXml } from '../../src/report/junit-xml.ts';
import type { RunEvaluation } from '../../src/slo/run-evaluation.ts';
import { hardeningEvaluation, scaleEvaluation, scaleGate } from './fixtures/run-evaluations.ts';
import { descendants, parseXml } from './xml-well-formed.ts';

test('junit.xml is well-formed with one testcase per SLO, drill expectation, steady-state phase and gate reason', () => {
  const xml = junitXml([scaleEvaluation], [scaleGate]);
  const root = parseXml(xml);
  expect(root.name).toBe('testsuites');
  const suites = descendants(root, 'testsuite');
  expect(suites).toHaveLength(2);
  const [run, gate] = suites;
  // 8 SLOs + 4 drill expectations + steady state before and after.
  expect(descendants(run!, 'testcase')).toHaveLength(8 + 4 + 2);
  // Missed: p95, abandonment, duplicate writes, human-queue service level; drill: secondary tier.
  expect(descendants(run!, 'failure')).toHaveLength(5);
  expect(run!.attributes).toMatchObject({ tests: '14', failures: '5', skipped: '0' });
  expect(descendants(gate!, 'testcase')).toHaveLength(scaleGate.reasons.length);
  const gateFailures = scaleGate.reasons.filter((r) => r.outcome === 'failed').length;
  // What the evidence could not judge (drills not run, no baseline) is an error, not a failure.
  const gateErrors = scaleGate.reasons.filter((r) => r.outcome === 'inconclusive').length;
  expect(gateErrors).toBeGreaterThan(0);
  expect(descendants(gate!, 'failure')).toHaveLength(gateFailures);
  expect(descendants(gate!, 'error')).toHaveLength(gateErrors);
  expect(descendants(gate!, 'error')[0]!.attributes.type).toBe('callstorm.inconclusive');
  expect(root.attributes).toMatchObject({
    tests: String(14 + scaleGate.reasons.length),
    failures: String(5 + gateFailures),
    errors: String(gateErrors),
  });
});

test('a failure carries the measured value and target; a passed case has no child', () => {
  const root = parseXml(junitXml([scaleEvaluation]));
  const cases = descendants(root, 'testcase');
  const p95 = cases.find((c) => c.attributes.name === 'Voice-to-voice p95')!;
  const failure = descendants(p95, 'failure')[0]!;
  expect(failure.attributes.message).toContain('91.0 % against ≥ 95 %');
  expect(failure.text).toContain('turns with voice-to-voice ≤ 3500 ms');
  const p99 = cases.find((c) => c.attributes.name === 'Voice-to-voice p99')!;
  expect(p99.children).toHaveLength(0);
  const drill = cases.find((c) => c.attributes.name === 'the secondary EU tier answers most turns')!;
  expect(drill.attributes.classname).toContain('drill.llm-regional-outage');
  expect(descendants(drill, 'failure')[0]!.attributes.message).toContain('expected ≥ 0.5 secondary');
});

test('SLOs with nothing to measure are skipped, and XML-hostile names are escaped', () => {
  const base = hardeningEvaluation.slos[0]!;
  const hostile: RunEvaluation = {
    ...hardeningEvaluation,
    runId: 'r<&>"\'\u0001',
    slos: [{ ...base, displayName: 'a < b & "c"', total: 0, good: 0, measured: null, passed: null }],
  };
  const root = parseXml(junitXml([hostile]));
  const [testcase] = descendants(root, 'testcase');
  expect(testcase!.attributes.name).toBe('a < b & "c"');
  expect(descendants(testcase!, 'skipped')).toHaveLength(1);
  expect(root.attributes).toMatchObject({ tests: '1', failures: '0', skipped: '1' });
});

test('the well-formedness check itself rejects broken XML', () => {
  expect(() => parseXml('<a><b></a>')).toThrow(/mismatched/);
  expect(() => parseXml('<a x="1" x="2"/>')).toThrow(/duplicate/);
  expect(() => parseXml('<a>&nbsp;</a>')).toThrow(/entity/);
  expect(() => parseXml('<a/><b/>')).toThrow(/second root/);
});
