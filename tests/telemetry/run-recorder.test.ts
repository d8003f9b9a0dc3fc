import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { CallJudge } from '../../src/driver/call-judge.ts';
import type { CallObservation } from '../../src/driver/call-observation.ts';
import { HumanQueue } from '../../src/driver/human-queue.ts';
import { type CallRecord, callRecordSchema } from '../../src/telemetry/call-record.ts';
import { decodeHistogram, type HistogramsJson } from '../../src/telemetry/latency-histograms.ts';
import { COUNTERS, LATENCY_METRICS } from '../../src/telemetry/metric-names.ts';
import { RunRecorder } from '../../src/telemetry/run-recorder.ts';
import { fixturePlan } from '../fixtures/call-plans.ts';

/** Real records, from the call judge, of calls that ended in several ways. */
function records(): CallRecord[] {
  const judge = new CallJudge({
    runId: 'rec',
    humanQueue: new HumanQueue({
      agents: 1,
      handleTime: { medianMs: 1_000 },
      meanPatienceMs: 60_000,
      seed: 1,
    }),
    scenarioAt: (ms) => ms,
  });
  const endings: CallObservation['ending'][] = [
    { by: 'agent-end', atTurn: 3 },
    { by: 'agent-transfer', atTurn: 1, reason: 'caller_requested', queue: 'q' },
    { by: 'caller-abandoned', atTurn: 2, waitedMs: 3_500 },
  ];
  return endings.map((ending, index) => {
    const plan = fixturePlan({ index });
    // The agent-ended call's write landed once in the ledger: proof it was resolved.
    const landed = { expected: 1, landed: 1, lost: 0, duplicate: 0, unexpected: 0 };
    return judge.judge(
      {
        plan,
        startLagMs: 3 + index,
        turns: plan.turns.slice(0, ending.atTurn + 1).map((t) => ({
          index: t.index,
          kind: t.kind,
          sentAtMs: 1_000 * t.index,
          voiceToVoiceMs: 500 + 100 * index,
          sendLagMs: 0,
          status: 200,
          action: 'continue' as const,
          transferReason: null,
          bargeIn: t.index === 1,
          agent: null,
        })),
        ending,
        endedWallMs: 10_000,
        agentAudioMs: 1_000,
        deadLetteredWrites: 0,
      },
      index === 0 ? landed : null,
    );
  });
}

const lines = (dir: string) =>
  readFileSync(join(dir, 'calls.jsonl'), 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => callRecordSchema.parse(JSON.parse(l)));

test('each record is on disk as soon as it is recorded, before the recorder closes', () => {
  const dir = mkdtempSync(join(tmpdir(), 'callstorm-recorder-'));
  const recorder = new RunRecorder(dir, { flushEveryMs: 0 });
  const [first, second] = records();
  recorder.record(first!);
  expect(lines(dir)).toEqual([first]);
  recorder.record(second!);
  expect(lines(dir)).toEqual([first, second]);
  recorder.close();
});

test('counters start at zero and count calls, outcomes, turns and barge-ins', () => {
  const dir = mkdtempSync(join(tmpdir(), 'callstorm-recorder-'));
  const recorder = new RunRecorder(dir, { flushEveryMs: 0 });
  expect(Object.keys(recorder.counters).sort()).toEqual([...COUNTERS].sort());
  expect(Object.values(recorder.counters).every((v) => v === 0)).toBe(true);
  const all = records();
  for (const r of all) recorder.record(r);
  recorder.count('fault.applied');
  expect(recorder.counters).toMatchObject({
    'call.finished': 3,
    'call.outcome.resolved': 1,
    'call.outcome.false-containment': 0,
    'call.outcome.escalated': 1,
    'call.outcome.abandoned': 1,
    'call.turn.sent': all.reduce((a, r) => a + r.turns.length, 0),
    'call.turn.barge_in': 3,
    'fault.applied': 1,
  });
  recorder.close();
});

test('histograms.json holds every voice-to-voice latency at close, and close is idempotent', () => {
  const dir = mkdtempSync(join(tmpdir(), 'callstorm-recorder-'));
  const recorder = new RunRecorder(dir, { flushEveryMs: 0 });
  const all = records();
  for (const r of all) recorder.record(r);
  expect(recorder.voiceToVoice(100)).toBeGreaterThanOrEqual(700);
  recorder.close();
  recorder.close();
  const h = JSON.parse(readFileSync(join(dir, 'histograms.json'), 'utf8')) as HistogramsJson;
  const v2v = h.metrics[LATENCY_METRICS.voiceToVoice]!.total;
  expect(v2v.count).toBe(all.reduce((a, r) => a + r.turns.length, 0));
  expect(decodeHistogram(v2v.histogram).minNonZeroValue).toBe(500);
});

test('a run appends to the calls.jsonl it claimed; ingest replaces a previous ingest', () => {
  const dir = mkdtempSync(join(tmpdir(), 'callstorm-recorder-'));
  writeFileSync(join(dir, 'calls.jsonl'), '');
  const [first, second] = records();
  const run = new RunRecorder(dir, { flushEveryMs: 0 });
  run.record(first!);
  run.close();
  const again = new RunRecorder(dir, { flushEveryMs: 0, calls: 'replace' });
  again.record(second!);
  again.close();
  expect(lines(dir)).toEqual([second]);
});
