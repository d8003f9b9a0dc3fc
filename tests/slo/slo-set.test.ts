import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { CallstormError } from '../../src/errors/callstorm-error.ts';
import { loadGate } from '../../src/slo/gate-schema.ts';
import { callCost, costSummary, loadPriceList, type PriceList } from '../../src/slo/price-list.ts';
import { DEFAULT_SLO_SETS, loadSloSet, parseSloSet, serialiseSloSet } from '../../src/slo/slo-set.ts';
import { call } from '../chaos/call-records.ts';
import { ROOT } from '../helpers/run-cli.ts';

test.each(DEFAULT_SLO_SETS)(
  'the shipped %s SLO set round-trips: parse → serialise → parse gives the same documents',
  (name) => {
    const set = loadSloSet(name);
    expect(set.documents.every((d) => d.apiVersion === 'openslo/v1')).toBe(true);
    const again = parseSloSet(serialiseSloSet(set), `${name} (serialised)`, name);
    expect(again.documents).toEqual(set.documents);
    expect(again.slos).toEqual(set.slos);
  },
);

test('the shipped SLO sets follow the stage table', () => {
  const names = (n: string) => loadSloSet(n).slos.map((s) => s.name);
  expect(names('pilot')).toEqual([
    'named-flow-containment',
    'voice-to-voice-p95',
    'abandonment',
    'dead-air',
    'recording-notice',
  ]);
  expect(names('hardening')).toEqual([
    'cost-per-resolved',
    'voice-to-voice-p95',
    'escalation-reasons',
    'no-duplicate-writes',
    'abandonment',
    'dead-air',
    'recording-notice',
  ]);
  expect(names('scale')).toEqual([
    'voice-to-voice-p95',
    'voice-to-voice-p99',
    'abandonment',
    'failure-rate',
    'no-lost-writes',
    'no-residency-violations',
    'human-queue-during-faults',
  ]);
  const scale = loadSloSet('scale');
  expect(scale.slos.find((s) => s.name === 'voice-to-voice-p99')!.budgetingMethod).toBe('Timeslices');
  expect(scale.slos.every((s) => s.timeWindowMs === 30 * 86_400_000)).toBe(true);
  // Every shipped SLO states the fewest events it is judged on (docs/slos.md, "Too few to judge").
  const minimums = (n: string) => Object.fromEntries(loadSloSet(n).slos.map((s) => [s.name, s.minEvents]));
  expect(minimums('pilot')).toEqual({
    'named-flow-containment': 30,
    'voice-to-voice-p95': 20,
    abandonment: 20,
    'dead-air': 20,
    'recording-notice': 20,
  });
  expect(minimums('scale')).toMatchObject({
    'failure-rate': 100,
    'voice-to-voice-p99': 10,
    'human-queue-during-faults': 3,
  });
});

test('a minimum of events that is not a whole number ≥ 1 is named by its path', () => {
  expect(issuesOf(GOOD.replace('callstorm/min-events: "30"', 'callstorm/min-events: "thirty"'))).toContain(
    '[1] SLO named-flow-containment.metadata.annotations["callstorm/min-events"]: "thirty" is not a whole number ≥ 1',
  );
  expect(issuesOf(GOOD.replace('callstorm/min-events: "30"', 'callstorm/min-events: "0"'))).toContain(
    'is not a whole number ≥ 1',
  );
});

test('the shipped gates name SLOs of their sets', () => {
  for (const stage of DEFAULT_SLO_SETS) {
    const gate = loadGate(stage);
    const names = loadSloSet(gate.slos.set).slos.map((s) => s.name);
    for (const n of [...(gate.slos.require ?? []), ...gate.slos.allowNoData]) expect(names).toContain(n);
  }
});

function issuesOf(text: string): string {
  try {
    parseSloSet(text, 'bad.yaml');
  } catch (error) {
    expect(error).toBeInstanceOf(CallstormError);
    expect((error as CallstormError).code).toBe('CS_ERR_SCENARIO_INVALID');
    return (error as CallstormError).message;
  }
  throw new Error('parsed');
}

const GOOD = readFileSync(join(ROOT, 'scenarios/slos/pilot.yaml'), 'utf8');

test('a bad query is named by its path, with the column and the valid fields', () => {
  const msg = issuesOf(
    GOOD.replace('calls where category = named and outcome = resolved', 'calls where outcom = resolved'),
  );
  expect(msg).toContain(
    '[0] SLI named-flow-containment.spec.ratioMetric.good.metricSource.spec.query: at column 13: calls have no field "outcom"',
  );
});

test('each OpenSLO mistake is named by its path', () => {
  expect(
    issuesOf(GOOD.replace('indicatorRef: named-flow-containment', 'indicatorRef: containment')),
  ).toContain(
    '[1] SLO named-flow-containment.spec.indicatorRef: no SLI "containment" in this file: expected one of named-flow-containment',
  );
  expect(issuesOf(GOOD.replace('target: 0.7', 'target: 0.7\n      targetPercent: 70'))).toContain(
    '[1] SLO named-flow-containment.spec.objectives[0]: give exactly one of target (0..1) or targetPercent (0..100)',
  );
  expect(issuesOf(GOOD.replace('budgetingMethod: Occurrences', 'budgetingMethod: Timeslices'))).toContain(
    'spec.objectives[0].timeSliceWindow: Timeslices budgeting needs timeSliceWindow',
  );
  expect(issuesOf(GOOD.replaceAll('type: callstorm', 'type: Prometheus'))).toContain(
    'good.metricSource.type: callstorm evaluates its own metric source only: set type: callstorm (found "Prometheus")',
  );
  expect(
    issuesOf(GOOD.replace('apiVersion: openslo/v1\nkind: SLO', 'apiVersion: openslo/v2\nkind: SLO')),
  ).toContain('[1] SLO named-flow-containment.apiVersion: expected one of "openslo/v1"');
  expect(issuesOf(GOOD.replace('query: calls where category = named\n', 'query: turns\n'))).toContain(
    'good.metricSource.spec.query: good counts calls but total counts turns: count the same events in both',
  );
  expect(issuesOf(GOOD.replace('duration: 30d', 'duration: 30 days'))).toContain(
    'spec.timeWindow[0].duration: expected a duration like "5m", "1h", "30d", "4w" or "1M"',
  );
  expect(issuesOf(`${GOOD}---\nkind: Service\n`)).toContain('[6] Service.kind: expected "SLO" or "SLI"');
});

test('a YAML syntax error carries line and column', () => {
  try {
    parseSloSet('apiVersion: openslo/v1\nkind: [SLO\n', 'broken.yaml');
    expect.unreachable();
  } catch (error) {
    expect((error as CallstormError).code).toBe('CS_ERR_YAML_SYNTAX');
    expect((error as CallstormError).message).toMatch(
      /broken\.yaml: YAML syntax error: line \d+, column \d+/,
    );
  }
});

test('cost of a call by component from its cost inputs and its time with a person (hand-computed)', () => {
  const prices: PriceList = loadPriceList('uk-2026');
  const escalated = call(0, {
    outcome: 'escalated',
    cost: {
      durationMs: 120_000,
      callerSpeechMs: 30_000,
      agentAudioMs: 40_000,
      llmTokensIn: 5_000,
      llmTokensOut: 500,
      ttsCharacters: 1_000,
    },
    humanQueue: { waitMs: 60_000, answered: true, answeredWithin20s: false, handleMs: 360_000 },
  });
  const c = callCost(escalated, prices);
  // Line open 2 + 1 + 6 = 9 minutes × £0.0085; ASR 0.5 min × £0.0035; LLM 5 × £0.0004 + 0.5 × £0.0016;
  // TTS 1 × £0.012; a person 6 minutes × £0.45.
  expect(c.telephony).toBeCloseTo(9 * 0.0085, 10);
  expect(c.asr).toBeCloseTo(0.5 * 0.0035, 10);
  expect(c.llm).toBeCloseTo(5 * 0.0004 + 0.5 * 0.0016, 10);
  expect(c.tts).toBeCloseTo(0.012, 10);
  expect(c.human).toBeCloseTo(2.7, 10);
  const resolved = call(0, {
    cost: {
      durationMs: 60_000,
      callerSpeechMs: 0,
      agentAudioMs: 0,
      llmTokensIn: 0,
      llmTokensOut: 0,
      ttsCharacters: 0,
    },
  });
  const summary = costSummary([escalated, resolved], prices);
  const total = c.telephony + c.asr + c.llm + c.tts + c.human + 0.0085;
  expect(summary.totalCost).toBeCloseTo(total, 10);
  expect(summary.perResolved).toBeCloseTo(total, 10);
  expect(summary.humanBaselinePerCall).toBe(2.76);
  expect(costSummary([escalated], prices).perResolved).toBeNull();
});
