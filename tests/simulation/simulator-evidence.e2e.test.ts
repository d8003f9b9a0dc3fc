import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { type RunningAgent, startAgent } from '../../agent/start-agent.ts';
import { createCallGenerator } from '../../simulators/callers/call-generator.ts';
import type { LedgerEntry } from '../../simulators/dependencies/write-ledger.ts';
import { withoutEndings } from '../../src/driver/call-evidence.ts';
import { CallJudge } from '../../src/driver/call-judge.ts';
import { createHttpTransport } from '../../src/driver/http-transport.ts';
import { humanQueueForStage } from '../../src/driver/human-queue.ts';
import { OpenModelDriver } from '../../src/driver/open-model-driver.ts';
import { createRunClock } from '../../src/driver/run-clock.ts';
import { loadScenario } from '../../src/scenario/load-scenario.ts';
import { createSimulatorEvidence, type SimulatorEvidence } from '../../src/simulation/simulator-evidence.ts';
import { type SimulatorsProcess, startSimulatorsProcess } from '../../src/simulation/simulator-process.ts';
import type { CallRecord } from '../../src/telemetry/call-record.ts';
import { type StrippingProxy, startStrippingProxy } from '../helpers/header-stripping-proxy.ts';

/**
 * A bot forwards no `x-callstorm-*` header to its vendors. The reference agent does; here every
 * header it sends to the simulators is stripped on the way, so the simulators (in a child process,
 * as in a run) see what a real bot would send, and the harness's evidence has to come from what
 * they saw: the LLM linking by transcript, the CRM attributing writes by the calls' lifetimes.
 */
const options = {
  vertical: 'collections',
  stage: 'pilot',
  window: 'peak-hour',
  seed: 1,
  latency: 'zero',
  asrWordErrorFactor: 0,
} as const;
const scenario = loadScenario(options);
const plans = [...createCallGenerator(scenario, options).plans()];

let sims: SimulatorsProcess;
let evidence: SimulatorEvidence;
let agent: RunningAgent;
const proxies = new Map<string, StrippingProxy>();
const records: CallRecord[] = [];

beforeAll(async () => {
  sims = await startSimulatorsProcess(options);
  const via = async (url: string) => {
    const p = await startStrippingProxy(url);
    proxies.set(url, p);
    return p.url;
  };
  agent = await startAgent({
    profile: 'production',
    asrUrl: await via(sims.asr.url),
    ttsUrl: await via(sims.tts.url),
    crmUrl: await via(sims.crm.url),
    llm: await Promise.all(
      Object.values(sims.llm).map(async (e) => ({ name: e.name, url: await via(e.url), region: e.region })),
    ),
    deadLetter: {
      path: join(mkdtempSync(join(tmpdir(), 'callstorm-evidence-')), 'dl.jsonl'),
      replayIntervalMs: 0,
    },
  });
  evidence = createSimulatorEvidence(sims);

  // The run pipeline's wiring (src/driver/run-pipeline.ts), with this agent and these simulators.
  const transport = createHttpTransport({ url: agent.url });
  const clock = createRunClock(240, performance.now() + 300);
  const driver = new OpenModelDriver({
    runId: 'evidence-e2e',
    plans,
    transport,
    clock,
    signal: new AbortController().signal,
  });
  const judge = new CallJudge({
    runId: 'evidence-e2e',
    humanQueue: humanQueueForStage(scenario.stage.humanQueue, options.seed),
    scenarioAt: clock.scenarioAt,
    writesOf: async (p) => {
      const { attribution, ...totals } = await sims.reconcileCall(p);
      return { ...totals, ambiguous: attribution.ambiguous };
    },
    evidence: withoutEndings(evidence),
  });
  judge.on('judged', (r) => records.push(r));
  driver.on('call-started', (p) =>
    sims.calls.started({ callId: p.id, from: p.caller.phone, accountId: p.caller.accountId, at: Date.now() }),
  );
  driver.on('call-observed', (o) => {
    sims.calls.ended({ callId: o.plan.id, at: Date.now() - (performance.now() - o.endedWallMs) });
    judge.observe(o);
  });
  await driver.run();
  await judge.drain();
  await transport.close();
}, 120_000);

afterAll(async () => {
  await agent?.close();
  await Promise.all([...proxies.values()].map((p) => p.close()));
  await evidence?.close();
  await sims?.close();
});

test('the agent sent its headers and the simulators never saw them', async () => {
  expect(records).toHaveLength(plans.length);
  for (const e of [sims.asr, sims.crm, sims.tts, sims.llm['llm-primary-eu']!])
    expect(proxies.get(e.url)!.requests(), e.name).toBeGreaterThan(0);
  // Every request the agent made carried them, to every simulator.
  for (const p of proxies.values()) expect(p.stripped()).toBe(p.requests());
  const ledger = (await (await fetch(`${sims.crm.controlUrl}/ledger`)).json()) as { entries: LedgerEntry[] };
  expect(ledger.entries.length).toBeGreaterThan(0);
  expect(ledger.entries.every((e) => e.callId === undefined)).toBe(true);
});

test("every write is attributed by its call's lifetime, and each call's writes are judged from them", async () => {
  const report = await sims.reconcile(plans);
  expect(report.attribution).toEqual({ header: 0, lifetime: report.ledgerSize, noLiveCall: 0, ambiguous: 0 });
  expect(report.unattributed).toEqual([]);
  const landed = records.reduce((n, r) => n + r.writes.landed, 0);
  expect(landed).toBe(report.totals.landed);
  expect(landed).toBeGreaterThan(0);
});

test('intents come from what the LLM simulator classified: the same the agent reported, and calls resolve on it', async () => {
  for (const r of records) {
    r.turns.forEach((t, i) => {
      // The reference agent records the intent its model gave it; the harness saw the model give it.
      if (t.agent?.intent) expect(r.classifiedIntents[i]).toBe(t.agent.intent);
    });
  }
  const resolved = records.filter((r) => r.outcome === 'resolved');
  expect(resolved.length).toBeGreaterThanOrEqual(plans.length / 2);
  // Balance enquiries have no write: resolved on the LLM's classification alone.
  expect(resolved.some((r) => r.flows.includes('balance-enquiry'))).toBe(true);
  const e = await evidence.llmEvidence(resolved[0]!.callId);
  expect(e.turns.length).toBeGreaterThan(0);
  expect(e.toolCalls.map((c) => c.name)).toContain('record_intent');
  expect(e.ending?.by).toBe('end');
});

test('the wiring check: the ASR, the LLM and the CRM each saw every call', async () => {
  const seen = await evidence.seen(plans.map((p) => p.id));
  for (const c of seen.calls) {
    expect(c.asr.transcripts, c.callId).toBeGreaterThan(0);
    expect(c.llm.requests, c.callId).toBeGreaterThan(0);
    expect(c.crm.requests, c.callId).toBeGreaterThan(0);
  }
  // A call the run never placed: nothing seen.
  const none = await evidence.seen(['cs-1-99999']);
  expect(none.calls[0]).toEqual({
    callId: 'cs-1-99999',
    asr: { transcripts: 0 },
    llm: { requests: 0 },
    crm: { requests: 0 },
  });
});
