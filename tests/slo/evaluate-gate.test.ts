import { join } from 'node:path';
import { expect, test } from 'vitest';
import { evaluateGate } from '../../src/slo/evaluate-gate.ts';
import { evaluateRun, evaluateRunOrUnreadable } from '../../src/slo/evaluate-run.ts';
import { loadGate } from '../../src/slo/gate-schema.ts';
import type { GateResult } from '../../src/slo/run-evaluation.ts';
import { turn } from '../chaos/call-records.ts';
import {
  healthyCalls,
  healthyScaleRuns,
  passedDrill,
  tempRoot,
  turnAt,
  writeRunFolder,
} from './run-folders.ts';

function judge(dirs: string[]): GateResult {
  return evaluateGate(
    loadGate('scale'),
    dirs.map((d) => evaluateRun(d, { slos: 'scale' })),
  );
}

/** Every reason that did not hold: `outcome | kind | name | detail`. */
function failing(result: GateResult) {
  return result.reasons
    .filter((r) => !r.passed)
    .map((r) => `${r.outcome} | ${r.kind} | ${r.name} | ${r.detail}`);
}

test('healthy scale runs — a baseline and the three drills passed — are GO, with every reason listed', () => {
  const result = judge(healthyScaleRuns(tempRoot()));
  expect(failing(result)).toEqual([]);
  expect(result.verdict).toBe('GO');
  expect(result.go).toBe(true);
  const kinds = new Set(result.reasons.map((r) => r.kind));
  expect([...kinds].sort()).toEqual(['drill', 'integrity', 'run', 'slo']);
  // 4 runs × 7 SLOs, 4 × (complete, valid) + baseline, 3 drills, 4 × 3 integrity conditions.
  expect(result.reasons.filter((r) => r.kind === 'slo')).toHaveLength(28);
  expect(result.reasons.filter((r) => r.kind === 'run')).toHaveLength(9);
  expect(result.reasons.filter((r) => r.kind === 'drill')).toHaveLength(3);
  expect(result.reasons.filter((r) => r.kind === 'integrity')).toHaveLength(12);
  const p95 = result.reasons.find((r) => r.name === 'voice-to-voice-p95 in baseline')!;
  expect(p95.detail).toBe(
    'p95 voice-to-voice ≤ 3.5 s: 100 % meets ≥ 95 %; 0 % of the error budget spent (0 bad of 120)',
  );
  const queue = result.reasons.find((r) => r.name === 'human-queue-during-faults in baseline')!;
  expect(queue.detail).toContain('nothing to measure in this run (allowed by the gate)');
});

/** A case of the table: its name, the run folders, the verdict, and the reasons that did not hold. */
type GateCase = [string, (root: string) => string[], 'NO-GO' | 'INCONCLUSIVE', string[]];

test.each<GateCase>([
  [
    'an interrupted run (Ctrl-C: not the agent)',
    (root) => [
      ...healthyScaleRuns(root).slice(1),
      writeRunFolder(root, {
        runId: 'baseline',
        manifest: { complete: false, status: 'interrupted', reason: 'interrupted (SIGINT/SIGTERM)' },
      }),
    ],
    'INCONCLUSIVE',
    [
      'inconclusive | run | baseline complete | the run was interrupted before its calls ran out: interrupted (SIGINT/SIGTERM); 120 calls recorded',
    ],
  ],
  [
    'a run the harness stopped (the run deadline)',
    (root) => [
      ...healthyScaleRuns(root).slice(1),
      writeRunFolder(root, {
        runId: 'baseline',
        manifest: { complete: false, status: 'aborted', reason: 'run deadline: 40 s of wall time passed' },
      }),
    ],
    'INCONCLUSIVE',
    [
      'inconclusive | run | baseline complete | the harness, not the agent, stopped the run: run deadline: 40 s of wall time passed; 120 calls recorded',
    ],
  ],
  [
    'an invalid run',
    (root) => [
      ...healthyScaleRuns(root).slice(1),
      writeRunFolder(root, { runId: 'baseline', manifest: { invalid: 'start lag p99 2400 ms' } }),
    ],
    'INCONCLUSIVE',
    [
      'inconclusive | run | baseline valid | invalid: start lag p99 2400 ms — the evidence describes the harness, not the agent',
    ],
  ],
  [
    'an invalid run whose SLOs missed: not evidence, so not NO-GO',
    (root) => [
      ...healthyScaleRuns(root).slice(1),
      writeRunFolder(root, {
        runId: 'baseline',
        manifest: { invalid: 'the simulators’ event loop lagged p99 180 ms' },
        calls: healthyCalls((i) => (i % 10 === 0 ? { outcome: 'abandoned' } : {})),
      }),
    ],
    'INCONCLUSIVE',
    [
      'inconclusive | run | baseline valid | invalid: the simulators’ event loop lagged p99 180 ms — the evidence describes the harness, not the agent',
      'inconclusive | slo | abandonment in baseline | not evidence about the agent (it is invalid): Callers rarely give up: 90 % misses ≥ 95 %; 200 % of the error budget spent (12 bad of 120)',
    ],
  ],
  [
    'a drill stopped by its stop condition: the agent burned its budget',
    (root) => [
      ...healthyScaleRuns(root).filter((d) => !d.endsWith('llm-regional-outage')),
      writeRunFolder(root, {
        runId: 'outage',
        manifest: {
          drill: 'llm-regional-outage',
          complete: false,
          status: 'aborted',
          reason: 'stop condition: voice-to-voice-p95 burned at 20× its budget',
        },
      }),
    ],
    'NO-GO',
    [
      "failed | run | outage complete | stopped early by the drill's stop condition — the agent burned its error budget (stop condition: voice-to-voice-p95 burned at 20× its budget); 120 calls recorded",
    ],
  ],
  [
    'no baseline run',
    (root) => healthyScaleRuns(root).slice(1),
    'INCONCLUSIVE',
    [
      'inconclusive | run | baseline run | every run had a drill: add a run without --drill to show the steady state',
    ],
  ],
  [
    'a missing drill',
    (root) => healthyScaleRuns(root).filter((d) => !d.endsWith('crm-rate-limiting')),
    'INCONCLUSIVE',
    [
      'inconclusive | drill | crm-rate-limiting | not run: run `callstorm run --stage scale --drill crm-rate-limiting` and pass its folder',
    ],
  ],
  [
    'a drill whose expectation failed and whose steady state did not recover',
    (root) => [
      ...healthyScaleRuns(root).filter((d) => !d.endsWith('llm-regional-outage')),
      writeRunFolder(root, {
        runId: 'outage',
        manifest: { drill: 'llm-regional-outage' },
        drill: (() => {
          const ok = passedDrill('llm-regional-outage');
          return {
            ...ok,
            passed: false,
            expectations: [{ ...ok.expectations[0]!, actual: 0.8, passed: false }],
            steadyState: {
              before: ok.steadyState.before,
              after: {
                ...ok.steadyState.after,
                passed: false,
                probes: [{ ...ok.steadyState.after.probes[0]!, actual: 0.2, passed: false }],
              },
            },
          };
        })(),
      }),
    ],
    'NO-GO',
    [
      'failed | drill | llm-regional-outage in outage | 0 of 1 expectations held; failed: "every transfer says why" (share of transfers with reason (any named) ≥ 1; got 0.8); steady state before the faults held (30 calls); steady state after recovery did not hold: containment holds 0.2, needs ≥ 0.35',
    ],
  ],
  [
    'a drill run without drill.json',
    (root) => [
      ...healthyScaleRuns(root).filter((d) => !d.endsWith('asr-confidence-collapse')),
      writeRunFolder(root, { runId: 'asr', manifest: { drill: 'asr-confidence-collapse' }, drill: null }),
    ],
    'INCONCLUSIVE',
    [
      'inconclusive | drill | asr-confidence-collapse in asr | no verdict (drill.json missing): the run ended before the drill could be judged',
    ],
  ],
  [
    'duplicate writes',
    (root) => [
      ...healthyScaleRuns(root).slice(1),
      writeRunFolder(root, {
        runId: 'baseline',
        calls: healthyCalls((i) =>
          i === 7 ? { writes: { expected: 1, landed: 1, lost: 0, duplicate: 1, unexpected: 0 } } : {},
        ),
      }),
    ],
    'NO-GO',
    ['failed | integrity | no duplicate writes in baseline | 1 of 120 expected writes landed more than once'],
  ],
  [
    'lost writes (which also spend the no-lost-writes SLO)',
    (root) => [
      ...healthyScaleRuns(root).slice(1),
      writeRunFolder(root, {
        runId: 'baseline',
        calls: healthyCalls((i) =>
          i < 2
            ? {
                outcome: 'false-containment',
                writes: { expected: 1, landed: 0, lost: 1, duplicate: 0, unexpected: 0 },
              }
            : {},
        ),
      }),
    ],
    'NO-GO',
    [
      'failed | slo | no-lost-writes in baseline | Zero lost writes: 98.3 % misses ≥ 100 %; 2 bad of 120 with no budget for any',
      'failed | integrity | no lost writes in baseline | 2 writes of calls the agent ended as done never landed',
    ],
  ],
  [
    'a residency violation',
    (root) => [
      ...healthyScaleRuns(root).slice(1),
      writeRunFolder(root, {
        runId: 'baseline',
        calls: healthyCalls((i) => (i === 3 ? { residencyViolation: true } : {})),
      }),
    ],
    'NO-GO',
    [
      'failed | slo | no-residency-violations in baseline | Zero residency violations: 99.17 % misses ≥ 100 %; 1 bad of 120 with no budget for any',
      'failed | integrity | no residency violations in baseline | 1 of 120 calls sent caller data to a region not permitted for them',
    ],
  ],
  [
    'callers abandoning',
    (root) => [
      ...healthyScaleRuns(root).slice(1),
      writeRunFolder(root, {
        runId: 'baseline',
        calls: healthyCalls((i) => (i % 10 === 0 ? { outcome: 'abandoned' } : {})),
      }),
    ],
    'NO-GO',
    [
      'failed | slo | abandonment in baseline | Callers rarely give up: 90 % misses ≥ 95 %; 200 % of the error budget spent (12 bad of 120)',
    ],
  ],
  [
    'slow turns',
    (root) => [
      ...healthyScaleRuns(root).slice(1),
      writeRunFolder(root, {
        runId: 'baseline',
        calls: healthyCalls((i) => (i < 12 ? { turns: [turn(turnAt(i), { voiceToVoiceMs: 7000 })] } : {})),
      }),
    ],
    'NO-GO',
    [
      'failed | slo | voice-to-voice-p95 in baseline | p95 voice-to-voice ≤ 3.5 s: 90 % misses ≥ 95 %; 200 % of the error budget spent (12 bad of 120)',
      'failed | slo | voice-to-voice-p99 in baseline | p99 voice-to-voice ≤ 6 s in every 5 minutes: 83.3 % of slices (run: 7,000 ms) misses ≥ 90 % of slices with ≤ 6,000 ms; 167 % of the error budget spent (2 bad of 12)',
    ],
  ],
  [
    'too few calls to judge an SLO (a run of 60 calls: failure-rate needs 100)',
    (root) => [
      ...healthyScaleRuns(root).slice(1),
      writeRunFolder(root, { runId: 'baseline', calls: healthyCalls(() => ({}), 60) }),
    ],
    'INCONCLUSIVE',
    [
      'inconclusive | slo | failure-rate in baseline | Calls rarely fail: too few to judge — 60 events, the SLO needs at least 100 (100 % against ≥ 99 %)',
    ],
  ],
  [
    'too few calls, but already a miss: a failure rate no further calls could save',
    (root) => [
      ...healthyScaleRuns(root).slice(1),
      writeRunFolder(root, {
        runId: 'baseline',
        calls: healthyCalls((i) => (i < 2 ? { outcome: 'failed' } : {}), 60),
      }),
    ],
    'NO-GO',
    [
      'failed | slo | failure-rate in baseline | Calls rarely fail: 96.7 % misses ≥ 99 %; 333 % of the error budget spent (2 bad of 60); missed already on 60 of the 100 events it needs',
    ],
  ],
  [
    'only runs of another stage',
    (root) => [
      writeRunFolder(root, {
        runId: 'pilot-run',
        manifest: { scenario: { ...manifestScenario(), stage: 'pilot' } },
      }),
    ],
    'INCONCLUSIVE',
    [
      'inconclusive | run | scale runs | no scale run was given: run `callstorm run --stage scale` and pass its folder',
      'inconclusive | drill | llm-regional-outage | not run: run `callstorm run --stage scale --drill llm-regional-outage` and pass its folder',
      'inconclusive | drill | crm-rate-limiting | not run: run `callstorm run --stage scale --drill crm-rate-limiting` and pass its folder',
      'inconclusive | drill | asr-confidence-collapse | not run: run `callstorm run --stage scale --drill asr-confidence-collapse` and pass its folder',
    ],
  ],
])('%s: the verdict and every reason that did not hold', (_name, build, verdict, expected) => {
  const result = judge(build(tempRoot()));
  expect(result.verdict).toBe(verdict);
  expect(result.go).toBe(false);
  expect(failing(result)).toEqual(expected);
});

test('a folder that fails its integrity checks makes the gate INCONCLUSIVE, naming what is wrong', () => {
  const root = tempRoot();
  const dirs = healthyScaleRuns(root);
  const broken = writeRunFolder(root, {
    runId: 'merged',
    manifest: { counts: { 'call.finished': 7 } },
  });
  const read = [...dirs, broken].map((d) => evaluateRunOrUnreadable(d, { slos: 'scale' }));
  const evaluations = read.flatMap((r) => ('evaluation' in r ? [r.evaluation] : []));
  const unreadable = read.flatMap((r) => ('unreadable' in r ? [r.unreadable] : []));
  expect(unreadable.map((u) => u.dir)).toEqual([broken]);
  const result = evaluateGate(loadGate('scale'), evaluations, unreadable);
  expect(result.verdict).toBe('INCONCLUSIVE');
  expect(failing(result)).toEqual([
    expect.stringMatching(
      /^inconclusive \| run \| .*merged readable \| the folder fails its integrity checks, so it is no evidence either way: .*calls\.jsonl: holds 120 calls but manifest\.json says 7 finished/,
    ),
  ]);
  // A path that is no run folder at all is bad input, not evidence.
  expect(() => evaluateRunOrUnreadable(join(root, 'nowhere'))).toThrow(
    /CS_ERR_RUN_ARTEFACT|no such run folder/,
  );
});

function manifestScenario() {
  return {
    vertical: 'collections',
    stage: 'scale',
    window: 'peak-hour',
    windowStart: '2026-03-30T09:00:00.000Z',
    windowEnd: '2026-03-30T10:00:00.000Z',
    expectedCalls: 60,
    seed: 1,
    speed: 120,
  };
}

test('a run of another stage is listed as not judged', () => {
  const root = tempRoot();
  const dirs = [
    ...healthyScaleRuns(root),
    writeRunFolder(root, {
      runId: 'pilot-run',
      manifest: { scenario: { ...manifestScenario(), stage: 'pilot' } },
    }),
  ];
  const result = judge(dirs);
  expect(result.go).toBe(true);
  expect(result.reasons.find((r) => r.name === 'pilot-run not judged')).toEqual({
    kind: 'run',
    name: 'pilot-run not judged',
    runId: 'pilot-run',
    subject: 'not-judged',
    passed: true,
    outcome: 'held',
    detail: 'a pilot run; this gate judges scale runs',
  });
});

test('every reason names the run it is about and what it judges, whatever the run ids look like', () => {
  const root = tempRoot();
  const dirs = healthyScaleRuns(root);
  const result = judge(dirs);
  const runIds = new Set(result.reasons.map((r) => r.runId).filter((id) => id !== null));
  expect(runIds.size).toBe(dirs.length);
  for (const r of result.reasons) {
    if (r.runId !== null) expect(r.name).toContain(r.runId);
    expect(r.subject).not.toBe('');
    if (r.kind === 'slo' && r.runId !== null) expect(r.name).toBe(`${r.subject} in ${r.runId}`);
  }
  expect(result.reasons.filter((r) => r.runId === null).map((r) => r.subject)).toEqual(['baseline']);
});

test('evaluateRun fills the drill verdict, fault windows and fallback tiers from the artefacts', () => {
  const root = tempRoot();
  const dir = writeRunFolder(root, {
    runId: 'outage',
    manifest: { drill: 'llm-regional-outage' },
    calls: healthyCalls(
      (i) => ({
        turns: [turn(i * 60_000 + 30_000, { tier: i >= 15 && i < 40 ? 'secondary' : 'primary' })],
        faults: i >= 15 && i < 40 ? ['f1'] : [],
      }),
      60,
    ),
  });
  const e = evaluateRun(dir);
  expect(e.faults).toEqual([{ id: 'f1', target: 'llm-primary-eu', fromMs: 900_000, toMs: 2_400_000 }]);
  // Turns at i·60 s + 30 s inside [15 min, 40 min): i = 15..39 on the secondary tier.
  expect(e.fallbackDuringFaults).toEqual([{ fault: 'f1', tiers: { secondary: 25 }, unreported: 0 }]);
  expect(e.drillVerdict?.drill).toBe('llm-regional-outage');
  expect(e.sloSet).toBe('scale');
  expect(e.window.spec).toBe('peak-hour');
});

test('a run evaluated against another SLO set than the gate names is INCONCLUSIVE, not silently passed', () => {
  const dirs = healthyScaleRuns(tempRoot());
  const result = evaluateGate(
    loadGate('scale'),
    dirs.map((d) => evaluateRun(d, { slos: 'pilot' })),
  );
  expect(result.verdict).toBe('INCONCLUSIVE');
  expect(failing(result)[0]).toBe(
    'inconclusive | slo | SLO set of baseline | evaluated against the SLO set "pilot", not the gate\'s "scale": evaluate it with { slos: "scale" }',
  );
});
