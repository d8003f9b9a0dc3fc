import { describe, expect, test } from 'vitest';
import { loadDrill, parseDrill } from '../../src/chaos/drill-schema.ts';
import { StopConditionMonitor } from '../../src/chaos/stop-condition-monitor.ts';
import { drillVerdict } from '../../src/slo/drill-verdict.ts';
import type { CallRecord } from '../../src/telemetry/call-record.ts';
import { call, faultLines, turn } from '../chaos/call-records.ts';

const MIN = 60_000;
const drill = loadDrill('llm-regional-outage'); // fault 15m–40m, settle 5m, minCalls 20

/** `count` calls arriving a minute apart from `fromMs`, built by `make`. */
function calls(
  count: number,
  fromMs: number,
  make: (arrivalMs: number, i: number) => CallRecord,
): CallRecord[] {
  return Array.from({ length: count }, (_, i) => make(fromMs + (i * MIN) / 2, i));
}

/** A production-like run: healthy before and after; during the outage the secondary tier answers. */
function healthyRun(): CallRecord[] {
  const before = calls(24, 0, (t) => call(t)); // ends by 13.5m
  const during = calls(40, 16 * MIN, (t, i) =>
    call(t, {
      faults: ['llm-primary-down'],
      turns: [
        turn(t + MIN, {
          tier: 'secondary',
          ...(i % 10 === 0 ? { action: 'transfer' as const, transferReason: 'llm_unavailable' } : {}),
        }),
      ],
      ...(i % 10 === 0
        ? {
            outcome: 'escalated' as const,
            escalation: { reason: 'llm_unavailable', warranted: true, expectedReason: null },
          }
        : {}),
    }),
  );
  const after = calls(24, 46 * MIN, (t) => call(t));
  return [...before, ...during, ...after];
}

describe('drill verdict', () => {
  test('a production-like run passes: steady state before and after, every expectation, not aborted', () => {
    const v = drillVerdict(drill, healthyRun(), faultLines('llm-primary-down', 15 * MIN, 40 * MIN));
    expect(v.steadyState.before).toMatchObject({ phase: 'before', toMs: 15 * MIN, calls: 24, passed: true });
    expect(v.steadyState.after).toMatchObject({ phase: 'after', fromMs: 45 * MIN, calls: 24, passed: true });
    expect(v.steadyState.before.probes.find((p) => p.metric === 'voice-to-voice')).toMatchObject({
      actual: 900,
      tolerance: 'p95 ≤ 3500 ms',
      passed: true,
    });
    const tier = v.expectations.find((e) => e.expect === 'fallback-tier')!;
    expect(tier).toMatchObject({
      actual: 1,
      samples: 40,
      unit: 'turns',
      passed: true,
      window: { fromMs: 15 * MIN, toMs: 40 * MIN },
    });
    expect(v.expectations.find((e) => e.expect === 'transfer-reason')).toMatchObject({
      actual: 1,
      samples: 4,
      unit: 'transfers',
      passed: true,
    });
    expect(v.expectations.every((e) => e.passed)).toBe(true);
    expect(v.aborted).toBeNull();
    expect(v.passed).toBe(true);
  });

  test('a pilot-like run fails where it should: no secondary tier, failures, unnamed transfers, a residency violation', () => {
    const records = healthyRun().map((c) =>
      c.faults.includes('llm-primary-down')
        ? {
            ...c,
            outcome: 'failed' as const,
            residencyViolation: c.index % 7 === 0,
            turns: [
              turn(c.arrivalMs + MIN, {
                tier: 'primary',
                status: 503,
                voiceToVoiceMs: null,
                action: 'transfer',
                transferReason: null,
              }),
            ],
          }
        : c,
    );
    const v = drillVerdict(drill, records, faultLines('llm-primary-down', 15 * MIN, 40 * MIN));
    const byExpect = Object.fromEntries(v.expectations.map((e) => [e.expect, e]));
    expect(byExpect['fallback-tier']).toMatchObject({ actual: 0, passed: false });
    expect(byExpect['transfer-reason']).toMatchObject({ actual: 0, samples: 40, passed: false });
    expect(byExpect['no-residency-violations']!.passed).toBe(false);
    expect(byExpect['outcome-rate']).toMatchObject({
      actual: 1,
      passed: false,
      expected: 'failed rate ≤ 0.05',
    });
    expect(v.steadyState.before.passed).toBe(true);
    expect(v.passed).toBe(false);
  });

  test('steady-state probes fail with a note when a phase has fewer calls than minCalls, and on a breached tolerance', () => {
    const records = healthyRun().filter((c) => c.arrivalMs < 46 * MIN || c.index % 2 === 0);
    const slowBefore = records.map((c) =>
      c.arrivalMs < 15 * MIN ? { ...c, turns: [turn(c.arrivalMs + MIN, { voiceToVoiceMs: 4000 })] } : c,
    );
    const v = drillVerdict(drill, slowBefore, faultLines('llm-primary-down', 15 * MIN, 40 * MIN));
    expect(v.steadyState.before.probes.find((p) => p.metric === 'voice-to-voice')).toMatchObject({
      actual: 4000,
      passed: false,
    });
    expect(v.steadyState.after.passed).toBe(false);
    expect(v.steadyState.after.probes[0]!.note).toBe('only 12 calls, fewer than minCalls 20');
  });

  test('a fault that never took effect fails its expectations; an abort in the log fails the drill', () => {
    const log = [
      {
        ...faultLines('llm-primary-down', 15 * MIN, 40 * MIN)[0]!,
        event: 'failed' as const,
        error: 'ECONNREFUSED',
      },
    ];
    const v = drillVerdict(drill, healthyRun(), log);
    expect(
      v.expectations.every((e) => !e.passed && e.note === 'fault "llm-primary-down" never took effect'),
    ).toBe(true);
    const aborted = drillVerdict(drill, healthyRun(), [
      ...faultLines('llm-primary-down', 15 * MIN, 20 * MIN),
      {
        ...faultLines('x', 0, 0)[0]!,
        event: 'abort',
        faultId: null,
        scenarioMs: 20 * MIN,
        detail: { condition: 'failure burn', reason: 'failed rate 0.6' },
      },
    ]);
    expect(aborted.aborted).toEqual({ condition: 'failure burn', reason: 'failed rate 0.6', atMs: 20 * MIN });
    expect(aborted.passed).toBe(false);
  });

  test('cohort-scoped expectations and writes exactly once', () => {
    const d = parseDrill(
      {
        kind: 'Drill',
        name: 'cohort',
        title: 'cohort',
        steadyStateHypothesis: { minCalls: 1, probes: [{ name: 'c', metric: 'containment', min: 0 }] },
        method: [
          {
            id: 'asr-collapse',
            at: '15m',
            duration: '25m',
            target: 'asr',
            simulator: { type: 'asr-confidence-collapse', params: { cohort: 'scottish' } },
          },
        ],
        expectations: [
          {
            name: 'low confidence',
            during: 'asr-collapse',
            cohort: 'scottish',
            expect: 'escalation-reason',
            reason: 'asr_low_confidence',
            minShare: 0.5,
          },
          { name: 'writes', during: 'asr-collapse', expect: 'writes-exactly-once' },
        ],
      },
      'test',
    );
    const during = calls(20, 16 * MIN, (t, i) =>
      i % 2 === 0
        ? call(t, {
            cohort: 'scottish',
            outcome: 'escalated',
            escalation: { reason: 'asr_low_confidence', warranted: true, expectedReason: null },
          })
        : call(t, {
            outcome: 'escalated',
            escalation: { reason: 'caller_requested', warranted: true, expectedReason: null },
            writes: { expected: 1, landed: 2, lost: 0, duplicate: 1, unexpected: 0 },
          }),
    );
    const v = drillVerdict(
      d,
      [call(0), ...during, call(50 * MIN)],
      faultLines('asr-collapse', 15 * MIN, 40 * MIN),
    );
    expect(v.expectations[0]).toMatchObject({
      actual: 1,
      samples: 10,
      unit: 'escalated calls',
      passed: true,
    });
    expect(v.expectations[1]).toMatchObject({
      passed: false,
      note: expect.stringContaining('10 duplicate; 0 lost of 0 written by calls the agent ended as done'),
    });
  });
});

describe('stop conditions', () => {
  const [failure, abandonment] = drill.stopConditions; // 5m windows, minCalls 20; 0.5 and 0.4

  test('fire once the rate over the rolling window exceeds the threshold with enough calls', () => {
    const m = new StopConditionMonitor([failure!, abandonment!]);
    for (let i = 0; i < 19; i++) expect(m.observe({ endedAtMs: i * 1000, outcome: 'abandoned' })).toBeNull();
    const t = m.observe({ endedAtMs: 19_000, outcome: 'abandoned' });
    expect(t).toMatchObject({ condition: 'abandonment burn', calls: 20, rate: 1, scenarioMs: 19_000 });
    expect(t!.reason).toBe('abandoned rate 1 over the last 5m (20 of 20 calls) exceeds 0.4');
    expect(m.observe({ endedAtMs: 20_000, outcome: 'failed' })).toBeNull(); // fires once
  });

  test('old calls leave the window', () => {
    const m = new StopConditionMonitor([failure!]);
    // 19 early failures (below minCalls), then ten minutes later half of 20 calls fail: the early
    // ones have left the 5m window, so the rate is 0.5 — not above the threshold.
    for (let i = 0; i < 19; i++) m.observe({ endedAtMs: i * 1000, outcome: 'failed' });
    for (let i = 0; i < 20; i++) {
      m.observe({ endedAtMs: 10 * MIN + i * 1000, outcome: i % 2 === 0 ? 'failed' : 'resolved' });
    }
    expect(m.fired).toBeNull();
    m.observe({ endedAtMs: 10 * MIN + 21_000, outcome: 'failed' });
    expect(m.fired).toMatchObject({ calls: 21, rate: 11 / 21 });
  });
});
