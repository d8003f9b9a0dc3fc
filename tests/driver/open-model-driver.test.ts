import { expect, test } from 'vitest';
import { startNullAgent } from '../../agent/null-agent.ts';
import { createCallGenerator } from '../../simulators/callers/call-generator.ts';
import type { CallPlan } from '../../simulators/callers/call-plan.ts';
import { CallJudge, type CallJudgeOptions } from '../../src/driver/call-judge.ts';
import { createHttpTransport } from '../../src/driver/http-transport.ts';
import { HumanQueue } from '../../src/driver/human-queue.ts';
import { OpenModelDriver } from '../../src/driver/open-model-driver.ts';
import { createRunClock } from '../../src/driver/run-clock.ts';
import { loadScenario } from '../../src/scenario/load-scenario.ts';
import type { CallRecord } from '../../src/telemetry/call-record.ts';

const scenario = loadScenario({ vertical: 'collections', stage: 'scale' });

function firstPlans(n: number, seed = 5): CallPlan[] {
  const out: CallPlan[] = [];
  for (const p of createCallGenerator(scenario, { seed, window: 'peak-day' }).plans()) {
    if (out.length >= n) break;
    // Patient callers: these tests are about timing, not abandonment.
    out.push({ ...p, patienceMs: 60_000 });
  }
  return out;
}

async function drive(
  plans: CallPlan[],
  url: string,
  speed: number,
  lateAfterMs?: number,
  writesOf: CallJudgeOptions['writesOf'] = () => null,
) {
  const transport = createHttpTransport({ url });
  const records: CallRecord[] = [];
  const clock = createRunClock(speed, performance.now() - plans[0]!.arrivalMs / speed);
  const driver = new OpenModelDriver({
    runId: 'test',
    plans,
    transport,
    clock,
    signal: new AbortController().signal,
    ...(lateAfterMs === undefined ? {} : { lateAfterMs }),
  });
  // The run's pipeline in small: the judge subscribes to observed calls, the test to judged ones.
  const judge = new CallJudge({
    runId: 'test',
    humanQueue: new HumanQueue({
      agents: 2,
      handleTime: { medianMs: 300_000 },
      meanPatienceMs: 120_000,
      seed: 1,
    }),
    scenarioAt: clock.scenarioAt,
    writesOf,
  });
  driver.on('call-observed', (o) => judge.observe(o));
  judge.on('judged', (r) => records.push(r));
  const started = performance.now();
  const summary = await driver.run();
  await judge.drain();
  await transport.close();
  return { summary, records, wallMs: performance.now() - started };
}

test('a stalling agent shows up as latency measured from the intended send time', async () => {
  // Every turn stalls 300 ms; calls overlap, so a closed-loop driver would hide it behind its own waiting.
  const agent = await startNullAgent({ turnDelayMs: 300 });
  try {
    const plans = firstPlans(12);
    const { summary, records } = await drive(plans, agent.url, 2_000);
    expect(summary.finished).toBe(12);
    expect(summary.invalid).toBeNull();
    const v2v = records.flatMap((r) => r.turns.map((t) => t.voiceToVoiceMs!));
    expect(Math.min(...v2v)).toBeGreaterThanOrEqual(295);
    expect(records.every((r) => r.outcome === 'resolved' || r.outcome === 'false-containment')).toBe(true);
  } finally {
    await agent.close();
  }
});

test('--speed changes the wall time but not the calls or their scenario-time shape', async () => {
  const agent = await startNullAgent();
  try {
    const plans = firstPlans(30, 8);
    const slow = await drive(plans, agent.url, 400);
    const fast = await drive(plans, agent.url, 1_600);
    expect(fast.records.length).toBe(slow.records.length);
    expect(new Set(fast.records.map((r) => r.callId))).toEqual(new Set(slow.records.map((r) => r.callId)));
    const arrivals = (rs: CallRecord[]) => rs.map((r) => r.arrivalMs).sort((a, b) => a - b);
    expect(arrivals(fast.records)).toEqual(arrivals(slow.records));
    const span = plans[plans.length - 1]!.arrivalMs - plans[0]!.arrivalMs;
    // Wall time follows the speed: 4× faster plays the same span in about a quarter of the time.
    expect(slow.wallMs).toBeGreaterThan(span / 400);
    expect(fast.wallMs).toBeLessThan(slow.wallMs / 2);
    // Every call meets the same ending either way: speed compresses the caller, not what happens.
    const outcomes = (rs: CallRecord[]) => Object.fromEntries(rs.map((r) => [r.callId, r.outcome]));
    expect(outcomes(fast.records)).toEqual(outcomes(slow.records));
  } finally {
    await agent.close();
  }
});

test('a driver that cannot keep the schedule marks the run invalid instead of under-driving quietly', async () => {
  const agent = await startNullAgent();
  try {
    // 300 calls of a scenario hour played in well under a wall millisecond: the loop that starts
    // them takes longer than that, so with a 2 ms lateness bar most start late.
    const plans = firstPlans(300, 9);
    const { summary } = await drive(plans, agent.url, 50_000_000, 2);
    expect(summary.invalid ?? '').toMatch(/could not keep the schedule/);
    expect(summary.late).toBeGreaterThan(2);
  } finally {
    await agent.close();
  }
});

test('the hand-built turn body is the same JSON the protocol schema describes', async () => {
  const { turnBody } = await import('../../src/driver/http-agent-adapter.ts');
  const { turnRequestSchema } = await import('../../src/protocol/agent-protocol.ts');
  const { encodeUtteranceAudio } = await import('../../simulators/callers/utterance-audio.ts');
  for (const r of [
    {
      turn: 0,
      utterance: { id: 'cs-1-2.u0', audio: encodeUtteranceAudio('cs-1-2.u0', 1200), speechMs: 1200 },
    },
    {
      turn: 3,
      utterance: { id: 'a"b\\c.u1', audio: encodeUtteranceAudio('x', 10), speechMs: 10 },
      bargeIn: { atMs: 750 },
    },
  ]) {
    expect(JSON.parse(turnBody(r))).toEqual(r);
    expect(turnRequestSchema.parse(JSON.parse(turnBody(r)))).toEqual(r);
  }
});

test('hanging up reaches the agent (a DELETE with no JSON content-type)', async () => {
  const { createHttpAgentAdapter: adapterFor } = await import('../../src/driver/http-agent-adapter.ts');
  const agent = await startNullAgent();
  const adapter = adapterFor({ url: agent.url });
  try {
    const plan = firstPlans(1)[0]!;
    const ctx = { runId: 'r', plan };
    const { sessionId } = await adapter.startCall(ctx);
    await adapter.hangUp(ctx, sessionId);
    expect(agent.hangUps()).toBe(1);
  } finally {
    await adapter.close();
    await agent.close();
  }
});

test('a call is judged with the writes its hook answers later (a CRM in another process)', async () => {
  const agent = await startNullAgent();
  try {
    const plans = firstPlans(6, 9);
    const asked: string[] = [];
    const { summary, records } = await drive(plans, agent.url, 2_000, undefined, async (plan: CallPlan) => {
      asked.push(plan.id);
      await new Promise((r) => setTimeout(r, 30));
      return { expected: 3, landed: 1, lost: 1, duplicate: 1, unexpected: 2 };
    });
    expect(summary.finished).toBe(6);
    expect(asked.sort()).toEqual(plans.map((p) => p.id).sort());
    for (const r of records)
      expect(r.writes).toMatchObject({ expected: 3, landed: 1, lost: 1, duplicate: 1, unexpected: 2 });
  } finally {
    await agent.close();
  }
});
