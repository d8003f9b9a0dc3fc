import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, test, vi } from 'vitest';
import type { CallPlan } from '../../simulators/callers/call-plan.ts';
import { type AgentAdapter, AgentCallError } from '../../src/driver/agent-adapter.ts';
import { runCallerSession } from '../../src/driver/caller-session.ts';
import { HumanQueue } from '../../src/driver/human-queue.ts';
import { judgeCall } from '../../src/driver/judge-call.ts';
import { createRunClock } from '../../src/driver/run-clock.ts';
import type { TurnResponse } from '../../src/protocol/agent-protocol.ts';
import { loadScenario } from '../../src/scenario/load-scenario.ts';
import type { CallRecord } from '../../src/telemetry/call-record.ts';
import {
  decodeHistogram,
  type HistogramsJson,
  LatencyHistograms,
} from '../../src/telemetry/latency-histograms.ts';
import { LATENCY_METRICS } from '../../src/telemetry/metric-names.ts';
import { K6_FIXTURE_CALLS, k6FixturePlans } from '../fixtures/k6/k6-fixture-calls.ts';
import { ROOT, runCli } from '../helpers/run-cli.ts';
import { type FakeAgentScript, fakeAgentAnswer } from './k6-fake-agent.ts';

const FIX = join(ROOT, 'tests/fixtures/k6');
const RUNNERS = ['runner-1.ndjson', 'runner-2.ndjson', 'runner-3.ndjson.gz'].map((f) => join(FIX, f));

/** The Node driver's view of the same call: caller-session against the same fake agent, in fake time. */
function fakeAdapter(script: FakeAgentScript): AgentAdapter {
  const answer = (method: string, path: string, body: string | null) =>
    fakeAgentAnswer(script, method, path, body);
  return {
    name: 'fake',
    async startCall() {
      return JSON.parse(answer('POST', '/v1/calls', null).body);
    },
    async turn(_ctx, sessionId, request, signal) {
      const delay = script.delayMs?.(request.turn) ?? 0;
      await new Promise<void>((resolve, reject) => {
        const t = setTimeout(resolve, delay);
        signal?.addEventListener('abort', () => {
          clearTimeout(t);
          reject(signal.reason);
        });
      });
      const a = answer('POST', `/v1/calls/${sessionId}/turns`, JSON.stringify({ turn: request.turn }));
      if (a.status !== 200)
        throw new AgentCallError('http-error', `POST turns answered ${a.status}: ${a.body}`, a.status);
      return JSON.parse(a.body) as TurnResponse;
    },
    async hangUp() {},
    async close() {},
  };
}

async function nodeRecords(): Promise<CallRecord[]> {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'performance'] });
  const plans: CallPlan[] = k6FixturePlans();
  const hq = loadScenario({ vertical: 'collections', stage: 'scale' }).stage.humanQueue;
  const queue = new HumanQueue({
    agents: hq.agents,
    handleTime: hq.handleTime,
    meanPatienceMs: hq.meanPatienceMs,
    answerWithinMs: hq.answerWithinSeconds * 1000,
    seed: 7,
  });
  const out: CallRecord[] = [];
  for (const [i, plan] of plans.entries()) {
    const clock = createRunClock(60, performance.now() - plan.arrivalMs / 60);
    const running = runCallerSession({
      plan,
      adapter: fakeAdapter(K6_FIXTURE_CALLS[i]!.agent),
      clock,
      runId: 'k6-fixture',
      signal: new AbortController().signal,
    });
    await vi.runAllTimersAsync();
    const o = await running;
    const endedAtMs = clock.scenarioAt(o.endedWallMs);
    out.push(
      judgeCall({
        runId: 'k6-fixture',
        observation: o,
        writes: { expected: plan.expectedWrites.length, landed: 0, lost: 0, duplicate: 0, unexpected: 0 },
        endedAtMs,
        humanQueue: o.ending.by === 'agent-transfer' ? queue.join(endedAtMs) : null,
        faults: [],
        proof: 'agent-reported',
      }),
    );
  }
  return out.sort((a, b) => a.endedAtMs - b.endedAtMs);
}

afterEach(() => {
  vi.useRealTimers();
});

const pct = (h: HistogramsJson, p: number) =>
  decodeHistogram(h.metrics[LATENCY_METRICS.voiceToVoice]!.total.histogram).getValueAtPercentile(p);

describe('callstorm ingest k6', () => {
  const out = mkdtempSync(join(tmpdir(), 'callstorm-k6-ingest-'));

  test('three runners (one gzipped) rebuild the calls the Node driver records for the same calls', async () => {
    const r = runCli(['ingest', 'k6', ...RUNNERS, '--from', FIX, '--out', out]);
    expect(r.code, r.stderr).toBe(0);
    const ingested = readFileSync(join(out, 'calls.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as CallRecord);
    const node = await nodeRecords();
    expect(ingested.map((c) => c.outcome).sort()).toEqual([
      'abandoned',
      'escalated',
      'failed',
      'resolved',
      'resolved',
      'resolved',
    ]);
    // The records agree field for field; times within a millisecond of wall time (the Node side's
    // fake timers fire on whole milliseconds, and a caller never speaks before their time, so its
    // send lag is under a millisecond), start lag aside (k6 does not report per-call lag).
    const close = (c: CallRecord) => ({
      ...c,
      startLagMs: 0,
      endedAtMs: 0,
      cost: { ...c.cost, durationMs: 0 },
      humanQueue: c.humanQueue ? { ...c.humanQueue, waitMs: 0 } : null,
      turns: c.turns.map((t) => ({
        ...t,
        sentAtMs: 0,
        sendLagMs: 0,
        voiceToVoiceMs: t.voiceToVoiceMs === null ? null : 0,
      })),
    });
    expect(ingested.map(close)).toEqual(node.map(close));
    ingested.forEach((c, i) => {
      const n = node[i]!;
      expect(Math.abs(c.endedAtMs - n.endedAtMs)).toBeLessThanOrEqual(60 * 5);
      c.turns.forEach((t, j) => {
        expect(Math.abs(t.sendLagMs - n.turns[j]!.sendLagMs)).toBeLessThan(1);
        expect(Math.abs(t.sentAtMs - n.turns[j]!.sentAtMs)).toBeLessThanOrEqual(60 * 5);
        expect(Math.abs((t.voiceToVoiceMs ?? 0) - (n.turns[j]!.voiceToVoiceMs ?? 0))).toBeLessThanOrEqual(1);
      });
    });

    const manifest = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8'));
    expect(manifest.status).toBe('complete');
    const nodeHist = new LatencyHistograms();
    for (const c of node) nodeHist.recordCall(c);
    const counts = Object.fromEntries(
      ['resolved', 'escalated', 'abandoned', 'failed'].map((o) => [
        o,
        node.filter((c) => c.outcome === o).length,
      ]),
    );
    for (const [o, n] of Object.entries(counts)) expect(manifest.counts[`call.outcome.${o}`]).toBe(n);
    expect(manifest.counts['call.turn.sent']).toBe(node.reduce((a, c) => a + c.turns.length, 0));

    // Percentiles of the merged HDR histograms equal the Node driver's.
    const h = JSON.parse(readFileSync(join(out, 'histograms.json'), 'utf8')) as HistogramsJson;
    const nh = nodeHist.toJSON();
    for (const p of [50, 90, 95, 99, 100]) expect(Math.abs(pct(h, p) - pct(nh, p))).toBeLessThanOrEqual(1);
    expect(h.metrics[LATENCY_METRICS.voiceToVoice]!.total.count).toBe(
      nh.metrics[LATENCY_METRICS.voiceToVoice]!.total.count,
    );
  });

  test('callstorm gate reads the ingested run', () => {
    const r = runCli(['gate', out, '--gate', 'scale']);
    expect([0, 1]).toContain(r.code);
    expect(r.stderr).not.toContain('CS_ERR');
  });

  test('a missing file exits 2 and names it', () => {
    const missing = join(FIX, 'nope.json');
    const r = runCli(['ingest', 'k6', RUNNERS[0]!, missing, '--from', FIX, '--out', join(out, 'x')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(missing);
  });

  test('a file that is not k6 NDJSON exits 2 and names it', () => {
    const bad = join(FIX, 'not-ndjson.txt');
    const r = runCli(['ingest', 'k6', bad, '--from', FIX, '--out', join(out, 'y')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('CS_ERR_K6_OUTPUT');
    expect(r.stderr).toContain(bad);
  });
});
