import { expect, test } from 'vitest';
import type { CallPlan } from '../../simulators/callers/call-plan.ts';
import type { CallEvidence, EvidenceSource } from '../../src/driver/call-evidence.ts';
import { CallJudge, type CallJudgeOptions, type CallWrites } from '../../src/driver/call-judge.ts';
import type { CallEnding, CallObservation } from '../../src/driver/call-observation.ts';
import { HumanQueue } from '../../src/driver/human-queue.ts';
import { type CallRecord, callRecordSchema, type TurnRecord } from '../../src/telemetry/call-record.ts';
import { fixturePlan } from '../fixtures/call-plans.ts';

const queue = () =>
  new HumanQueue({ agents: 1, handleTime: { medianMs: 300_000 }, meanPatienceMs: 600_000, seed: 3 });

function telemetry(intent: string | null): TurnRecord['agent'] {
  return {
    asrConfidence: 0.9,
    intent,
    fallbackTier: 'primary',
    reprompt: false,
    retries: 0,
    latencyMs: { asr: 1, llmFirstToken: 1, llmTotal: 1, tools: 0, ttsFirstByte: 1, voiceToVoice: 1 },
    regions: [],
    tokensIn: 10,
    tokensOut: 5,
    ttsCharacters: 20,
  };
}

/** What a transport would observe: every planned turn answered, intents as the agent reported them. */
function observed(
  plan: CallPlan,
  ending: CallEnding,
  options: { endedWallMs?: number; intents?: 'agent' | 'none' } = {},
): CallObservation {
  const turns: TurnRecord[] = plan.turns.slice(0, ending.atTurn + 1).map((t) => ({
    index: t.index,
    kind: t.kind,
    sentAtMs: plan.arrivalMs + 1000 * (t.index + 1),
    voiceToVoiceMs: 800,
    sendLagMs: 0,
    status: 200,
    action: 'continue',
    transferReason: null,
    bargeIn: false,
    agent: options.intents === 'none' ? null : telemetry(t.expect.intent),
  }));
  return {
    plan,
    startLagMs: 0,
    turns,
    ending,
    endedWallMs: options.endedWallMs ?? plan.arrivalMs + 10_000,
    agentAudioMs: 4_000,
    deadLetteredWrites: 0,
  };
}

const landed = (plan: CallPlan): CallWrites => ({
  expected: plan.expectedWrites.length,
  landed: plan.expectedWrites.length,
  lost: 0,
  duplicate: 0,
  unexpected: 0,
});

function judgeWith(options: Partial<CallJudgeOptions> = {}) {
  const judge = new CallJudge({
    runId: 'judge-test',
    humanQueue: queue(),
    scenarioAt: (ms) => ms,
    ...options,
  });
  const records: CallRecord[] = [];
  const unjudged: [string, string][] = [];
  judge.on('judged', (r) => records.push(r));
  judge.on('unjudged', (plan, error) => unjudged.push([plan.id, error.message]));
  return { judge, records, unjudged };
}

const endOf = (plan: CallPlan): CallEnding => ({ by: 'agent-end', atTurn: plan.turns.length - 1 });

test('a call is judged from ground truth with the writes the ledger answers later', async () => {
  const good = fixturePlan({ index: 0 });
  const lost = fixturePlan({ index: 1 });
  const { judge, records } = judgeWith({
    writesOf: async (plan) => {
      await new Promise((r) => setTimeout(r, 20));
      return plan.id === good.id ? landed(plan) : { ...landed(plan), landed: 0, lost: 1 };
    },
  });
  judge.observe(observed(good, endOf(good)));
  judge.observe(observed(lost, endOf(lost)));
  expect(judge.pending).toBe(2);
  expect(await judge.drain()).toBe(0);
  const byId = Object.fromEntries(records.map((r) => [r.callId, r]));
  expect(byId[good.id]).toMatchObject({ outcome: 'resolved', writes: { landed: 1, lost: 0 } });
  expect(byId[lost.id]).toMatchObject({
    outcome: 'false-containment',
    falseContainment: ['1 expected write(s) missing'],
  });
  expect(judge.judged).toBe(2);
});

test('escalated calls join the human queue in the order they were observed, whatever order their writes answer in', async () => {
  const plans = [0, 1, 2].map((index) => fixturePlan({ index }));
  const transfer: CallEnding = {
    by: 'agent-transfer',
    atTurn: 0,
    reason: 'caller_requested',
    queue: 'q',
  };
  // The last call's writes answer first, the first call's last.
  const { judge, records } = judgeWith({
    writesOf: async (plan) => {
      await new Promise((r) => setTimeout(r, 60 - 25 * plans.indexOf(plan)));
      return landed(plan);
    },
  });
  for (const [i, p] of plans.entries())
    judge.observe(observed(p, transfer, { endedWallMs: 1_000 * (i + 1) }));
  await judge.drain();
  expect(records.map((r) => r.callId)).toEqual([plans[2]!.id, plans[1]!.id, plans[0]!.id]);
  // The same queue, joined in the order the calls ended.
  const reference = queue();
  const expected = plans.map((_, i) => reference.join(1_000 * (i + 1)));
  for (const [i, p] of plans.entries()) {
    const hq = records.find((r) => r.callId === p.id)!.humanQueue!;
    expect(hq.waitMs).toBe(expected[i]!.waitMs);
    expect(hq.handleMs).toBe(expected[i]!.handleMs);
  }
  expect(records.every((r) => r.outcome === 'escalated')).toBe(true);
});

test('a call whose writes cannot be read is left unjudged: no record, the reason reported', async () => {
  const plan = fixturePlan();
  const { judge, records, unjudged } = judgeWith({
    writesOf: () => Promise.reject(new Error('the CRM simulator did not answer')),
  });
  judge.observe(observed(plan, endOf(plan)));
  await judge.drain();
  expect(records).toEqual([]);
  expect(unjudged).toEqual([[plan.id, 'the CRM simulator did not answer']]);
  expect(judge.unjudged).toBe(1);
});

test('the faults of a call are those active from its arrival to its end, in scenario time', async () => {
  const plan = { ...fixturePlan(), arrivalMs: 60_000 };
  const asked: [number, number][] = [];
  const { judge, records } = judgeWith({
    // A run at ×100: wall 1 ms is 100 scenario ms.
    scenarioAt: (wallMs) => wallMs * 100,
    faultsDuring: (from, to) => {
      asked.push([from, to]);
      return ['llm-down'];
    },
  });
  judge.observe(observed(plan, endOf(plan), { endedWallMs: 1_500 }));
  await judge.drain();
  expect(asked).toEqual([[60_000, 150_000]]);
  expect(records[0]).toMatchObject({ faults: ['llm-down'], endedAtMs: 150_000 });
});

test('evidence gives the intents an agent did not report, and says an agent-closed line was a transfer', async () => {
  const wrong = fixturePlan({ index: 0 });
  const right = fixturePlan({ index: 1 });
  const transferred = fixturePlan({ index: 2 });
  const abandoned = fixturePlan({ index: 3 });
  const said: Record<string, CallEvidence> = {
    [wrong.id]: { intents: ['balance_enquiry', null, null, null] },
    [right.id]: { intents: right.turns.map((t) => t.expect.intent) },
    [transferred.id]: {
      ending: { by: 'agent-transfer', reason: 'llm_unavailable', queue: 'contact-centre' },
    },
    // Evidence cannot overrule what the caller lived through.
    [abandoned.id]: { ending: { by: 'agent-transfer', reason: 'x', queue: 'q' } },
  };
  const evidence: EvidenceSource = { name: 'test', evidenceFor: async (o) => said[o.plan.id] ?? {} };
  const { judge, records } = judgeWith({ evidence, writesOf: landed });
  for (const p of [wrong, right, transferred])
    judge.observe(observed(p, endOf(p), { intents: 'none', endedWallMs: 5_000 }));
  judge.observe(
    observed(abandoned, { by: 'caller-abandoned', atTurn: 1, waitedMs: 3_500 }, { intents: 'none' }),
  );
  await judge.drain();
  const byId = Object.fromEntries(records.map((r) => [r.callId, r]));
  expect(byId[wrong.id]).toMatchObject({
    outcome: 'false-containment',
    understood: false,
    classifiedIntents: ['balance_enquiry', null, null, null],
  });
  expect(byId[right.id]).toMatchObject({ outcome: 'resolved', understood: true });
  expect(byId[transferred.id]).toMatchObject({
    outcome: 'escalated',
    escalation: { reason: 'llm_unavailable' },
  });
  expect(byId[transferred.id]!.humanQueue).not.toBeNull();
  expect(byId[abandoned.id]!.outcome).toBe('abandoned');
});

test('an agent that reports a wrong intent is not resolved, whatever the evidence lacks', async () => {
  const plan = fixturePlan();
  const o = observed(plan, endOf(plan));
  const misheard: CallObservation = {
    ...o,
    turns: o.turns.map((t, i) => (i === 0 ? { ...t, agent: telemetry('dispute_debt') } : t)),
  };
  const { judge, records } = judgeWith({ writesOf: landed });
  judge.observe(misheard);
  await judge.drain();
  expect(records[0]).toMatchObject({ outcome: 'false-containment', understood: false });
  expect(records[0]!.classifiedIntents[0]).toBe('dispute_debt');
});

test('wire measurements travel from the observation into a schema-valid record', async () => {
  const plan = fixturePlan();
  const wire = {
    transport: 'twilio',
    greetingLatencyMs: 640,
    longestDeadAirMs: 2_100,
    talkOverMs: 0,
    frameJitterP99Ms: 1.5,
    turns: [{ index: 0, voiceToVoiceMs: 910, bargeInClearMs: null, audioAfterBargeInMs: null }],
  };
  const { judge, records } = judgeWith();
  judge.observe({ ...observed(plan, endOf(plan)), wire });
  await judge.drain();
  expect(callRecordSchema.parse(records[0]).wire).toEqual(wire);
  // Transports that measure nothing on the wire leave the field out altogether.
  const plain = judgeWith();
  plain.judge.observe(observed(plan, endOf(plan)));
  await plain.judge.drain();
  expect('wire' in plain.records[0]!).toBe(false);
});

test('drain gives up on judgements still waiting after its timeout; nothing is recorded late', async () => {
  const stuck = fixturePlan({ index: 0 });
  const quick = fixturePlan({ index: 1 });
  let release: (w: CallWrites) => void = () => {};
  const { judge, records } = judgeWith({
    writesOf: (plan) => (plan.id === stuck.id ? new Promise<CallWrites>((r) => (release = r)) : landed(plan)),
  });
  judge.observe(observed(stuck, endOf(stuck)));
  judge.observe(observed(quick, endOf(quick)));
  expect(await judge.drain(100)).toBe(1);
  expect(records.map((r) => r.callId)).toEqual([quick.id]);
  release(landed(stuck));
  await new Promise((r) => setTimeout(r, 20));
  expect(records).toHaveLength(1);
  expect(judge.unjudged).toBe(1);
});

test('judge() judges a call at once from what is at hand (k6 ingest)', () => {
  const plan = fixturePlan();
  const { judge, records } = judgeWith();
  const record = judge.judge(
    observed(plan, { by: 'agent-transfer', atTurn: 0, reason: 'out_of_scope', queue: 'q' }),
  );
  expect(record.outcome).toBe('escalated');
  expect(record.writes).toEqual({ expected: 1, landed: 0, lost: 0, duplicate: 0, unexpected: 0 });
  expect(records).toEqual([record]);
});

/** The LLM simulator's classification of each observed turn: right, or nothing at all. */
const llmSaid = (kind: 'right' | 'nothing'): EvidenceSource => ({
  name: 'llm',
  evidenceFor: async (o) => ({
    intents: o.turns.map((t) => (kind === 'right' ? o.plan.turns[t.index]!.expect.intent : null)),
  }),
});

test('resolved means proven: a flow without writes needs the intent the LLM simulator classified, never telemetry alone', async () => {
  const balance = fixturePlan({ index: 4, flow: 'balance-enquiry' });
  expect(balance.expectedWrites).toEqual([]);
  // The agent reports the right intents on every turn, but the harness saw nothing.
  const bare = judgeWith({ writesOf: landed });
  bare.judge.observe(observed(balance, endOf(balance)));
  const silent = judgeWith({ writesOf: landed, evidence: llmSaid('nothing') });
  silent.judge.observe(observed(balance, endOf(balance)));
  const proven = judgeWith({ writesOf: landed, evidence: llmSaid('right') });
  proven.judge.observe(observed(balance, endOf(balance), { intents: 'none' }));
  await Promise.all([bare.judge.drain(), silent.judge.drain(), proven.judge.drain()]);
  for (const r of [bare.records[0]!, silent.records[0]!]) {
    expect(r.outcome).toBe('false-containment');
    expect(r.falseContainment).toEqual([
      'balance-enquiry: no evidence the caller was understood (the LLM simulator classified no turn of it right)',
    ]);
  }
  expect(proven.records[0]).toMatchObject({ outcome: 'resolved', falseContainment: null });
  // The record shows the harness's classification where it has one, the agent's where not.
  expect(silent.records[0]!.classifiedIntents).toEqual(balance.turns.map((t) => t.expect.intent));
});

test('a flow with writes is proven by the ledger: landed once resolves; parked, unreconciled or shared writes do not', async () => {
  const plan = fixturePlan({ index: 5 });
  const end = endOf(plan);
  const run = async (options: Partial<CallJudgeOptions>, o: CallObservation = observed(plan, end)) => {
    const { judge, records } = judgeWith(options);
    judge.observe(o);
    await judge.drain();
    return records[0]!;
  };
  // Writes landed exactly once: proof enough, with or without a classification.
  expect((await run({ writesOf: landed, evidence: llmSaid('nothing') })).outcome).toBe('resolved');
  // The agent parked the write in its dead-letter queue: nothing landed while the call lasted.
  const parked = await run(
    { writesOf: (p) => ({ ...landed(p), landed: 0, lost: 1 }) },
    { ...observed(plan, end), deadLetteredWrites: 1 },
  );
  expect(parked.falseContainment).toEqual([
    "1 expected write(s) parked in the agent's dead-letter queue: not landed during the call",
  ]);
  // No ledger answered: writes not reconciled prove nothing.
  expect((await run({})).falseContainment).toEqual([
    'writes not reconciled: no CRM ledger answered for this call',
  ]);
  // A write on the call's account that another live call could own is not this call's.
  const shared = await run({ writesOf: (p) => ({ ...landed(p), landed: 0, lost: 1, ambiguous: 1 }) });
  expect(shared.falseContainment).toEqual([
    '1 expected write(s) missing',
    "1 write(s) on this call's account could belong to another live call: unattributed",
  ]);
  expect(shared.writes).toEqual({ expected: 1, landed: 0, lost: 1, duplicate: 0, unexpected: 0 });
});

test("proof 'agent-reported' (the k6 ingest, which has no harness evidence) judges on the agent's telemetry", async () => {
  const balance = fixturePlan({ index: 4, flow: 'balance-enquiry' });
  const { judge, records } = judgeWith({ proof: 'agent-reported' });
  judge.observe(observed(balance, endOf(balance)));
  await judge.drain();
  expect(records[0]!.outcome).toBe('resolved');
});
