import { mkdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { request } from 'undici';
import { afterEach, expect, test } from 'vitest';
import { crmRequest } from '../../agent/agent-tools.ts';
import { createCallGenerator } from '../../simulators/callers/call-generator.ts';
import type { CallPlan } from '../../simulators/callers/call-plan.ts';
import { executeRun } from '../../src/driver/execute-run.ts';
import { isCallstormError } from '../../src/errors/callstorm-error.ts';
import { CALL_HEADER } from '../../src/protocol/agent-protocol.ts';
import { loadScenario } from '../../src/scenario/load-scenario.ts';
import { freshDir, readRun, SHORT_RUN, watchingChaos } from './run-fixtures.ts';
import { endAtOnce, type ScriptedAgent, startScriptedAgent } from './scripted-agent.ts';

let agent: ScriptedAgent | null = null;
afterEach(async () => {
  await agent?.close();
  agent = null;
});

test('two runs started at the same moment get run ids and folders of their own', async () => {
  agent = await startScriptedAgent({ turn: endAtOnce });
  const runsDir = dirname(freshDir('twins'));
  const [a, b] = await Promise.all([
    executeRun({ ...SHORT_RUN, agent: agent.url, runsDir }),
    executeRun({ ...SHORT_RUN, agent: agent.url, runsDir }),
  ]);
  expect(a.runId).not.toBe(b.runId);
  expect(a.dir).not.toBe(b.dir);
  for (const run of [a, b]) {
    expect(run.runId).toMatch(
      /^\d{8}T\d{6}\.\d{3}Z_appointments_hardening_baseline_http-127-0-0-1-\d+_s3_[0-9a-f]{6}$/,
    );
    expect(run.dir).toBe(join(runsDir, run.runId));
    const { manifest, calls } = readRun(run.dir);
    expect(manifest).toMatchObject({ status: 'complete', runId: run.runId });
    expect(new Set(calls.map((c) => c.runId))).toEqual(new Set([run.runId]));
  }
});

test('a run refuses a folder that holds another run, and leaves that run as it was', async () => {
  agent = await startScriptedAgent({ turn: endAtOnce });
  const out = freshDir('taken');
  await executeRun({ ...SHORT_RUN, agent: agent.url, out });
  const before = readFileSync(join(out, 'manifest.json'), 'utf8');
  const calls = readFileSync(join(out, 'calls.jsonl'), 'utf8');
  const error = await executeRun({ ...SHORT_RUN, agent: agent.url, out }).catch((e: unknown) => e);
  expect(isCallstormError(error) && error.code).toBe('CS_ERR_RUN_FOLDER_TAKEN');
  expect(isCallstormError(error) && error.exitCode).toBe(2);
  expect(String((error as Error).message)).toContain(out);
  expect(readFileSync(join(out, 'manifest.json'), 'utf8')).toBe(before);
  expect(readFileSync(join(out, 'calls.jsonl'), 'utf8')).toBe(calls);
  // An empty folder is fine.
  const empty = freshDir('empty');
  mkdirSync(empty, { recursive: true });
  expect((await executeRun({ ...SHORT_RUN, agent: agent.url, out: empty })).manifest.status).toBe('complete');
});

test('the manifest lists the files that exist, counts the chaos side’s fault events, and states the load', async () => {
  agent = await startScriptedAgent({ turn: endAtOnce });
  const watch = watchingChaos();
  const run = await executeRun({
    ...SHORT_RUN,
    agent: agent.url,
    out: freshDir('manifest'),
    chaos: watch.factory,
  });
  const { manifest, calls } = readRun(run.dir);
  // No drill wrote faults.jsonl or drill.json: the manifest does not claim them.
  expect(manifest.files).toEqual(['manifest.json', 'calls.jsonl', 'histograms.json', 'ledger.json']);
  expect(manifest.counts).toMatchObject({ 'fault.applied': 1, 'fault.removed': 1 });
  expect(watch.seen.finished).toBeGreaterThanOrEqual(1);
  expect(manifest.transport).toBe('http');
  expect(manifest.deadline).toMatchObject({ reached: false });
  const load = manifest.load!;
  expect(load.offered.peak).toBeGreaterThanOrEqual(1);
  expect(load.offered.mean).toBeGreaterThan(0);
  // ~25 calls in half an hour, each a few planned seconds long: real-time concurrency well under one.
  expect(load.realTime.arrivalsPerSecond).toBeCloseTo(manifest.scenario.expectedCalls / 1800, 6);
  expect(load.realTime.meanCallSeconds).toBeGreaterThan(1);
  expect(load.realTime.concurrency).toBeLessThan(1);
  expect(load.factor).toBeCloseTo(load.offered.mean / load.realTime.concurrency!, 6);
  // The simulators report their own health (here they share the run's process); an agent callstorm
  // did not start reports none; a run without a drill has no fault timing.
  expect(manifest.harness).toMatchObject({ agent: null, faults: null });
  expect(manifest.harness!.driver!.eventLoopDelayP99Ms).toBeGreaterThan(0);
  expect(manifest.harness!.simulators!.eventLoopDelayP99Ms).toBeGreaterThan(0);
  expect(manifest.harness!.simulators!.cpuPercent).toBeGreaterThan(0);
  expect(manifest.invalid).toBeNull();
  expect(calls.length).toBe(manifest.counts['call.finished']);
});

test('a stop condition aborts the run; the chaos side is finished and the calls so far are recorded', async () => {
  agent = await startScriptedAgent({ turn: endAtOnce });
  const watch = watchingChaos({ abortAfter: 3 });
  const run = await executeRun({
    ...SHORT_RUN,
    agent: agent.url,
    out: freshDir('stop'),
    chaos: watch.factory,
  });
  const { manifest, calls } = readRun(run.dir);
  expect(manifest).toMatchObject({
    status: 'aborted',
    complete: false,
    reason: 'stop condition: 3 calls seen',
  });
  expect(calls.length).toBeGreaterThanOrEqual(3);
  expect(calls.length).toBe(manifest.counts['call.finished']);
  expect(watch.seen.finished).toBeGreaterThanOrEqual(1);
});

test('an error once resources are up still winds them down; the manifest says failed', async () => {
  const watch = watchingChaos();
  const out = freshDir('error');
  const error = await executeRun({
    ...SHORT_RUN,
    agent: 'reference:nonsense',
    out,
    chaos: watch.factory,
  }).catch((e: unknown) => e);
  expect(isCallstormError(error) && error.code).toBe('CS_ERR_UNKNOWN_NAME');
  expect(watch.seen.finished).toBeGreaterThanOrEqual(1);
  const { manifest, ledger } = readRun(out);
  expect(manifest).toMatchObject({ status: 'failed', complete: false });
  expect(manifest.reason).toContain('unknown reference agent profile "nonsense"');
  expect(ledger.totals.expected).toBe(0);
});

test('the ledger of an interrupted run reconciles finished calls only and lists the unfinished ones apart', async () => {
  const scenario = loadScenario({ vertical: SHORT_RUN.vertical, stage: SHORT_RUN.stage });
  const plans = new Map<string, CallPlan>();
  for (const p of createCallGenerator(scenario, { seed: SHORT_RUN.seed, window: SHORT_RUN.window }).plans())
    plans.set(p.id, p);
  const odd = (callId: string) => Number(callId.split('-').pop()) % 2 === 1;
  let crm = '';
  // Every call writes what its plan expects on its first turn; even calls then end, odd calls hang.
  agent = await startScriptedAgent({
    turn: async (r, res) => {
      for (const w of plans.get(r.callId)?.expectedWrites ?? []) {
        const req = crmRequest(w.op, w.args);
        const answer = await request(`${crm}${req.path}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', [CALL_HEADER]: r.callId },
          body: JSON.stringify(req.body),
        });
        await answer.body.dump();
      }
      if (!odd(r.callId)) endAtOnce(r, res);
    },
  });
  const oddWithWrites = [...plans.values()].filter((p) => odd(p.id) && p.expectedWrites.length > 0);
  expect(oddWithWrites.length).toBeGreaterThan(2);
  const ctrlC = new AbortController();
  const last = [...plans.values()].at(-1)!;
  const watch = watchingChaos({
    // Ctrl-C just after the last call has started: odd calls are hanging (their callers give up
    // after seconds; the window plays in two).
    onStart: (clock) => setTimeout(() => ctrlC.abort(), clock.wallUntil(last.arrivalMs) + 50),
  });
  const run = await executeRun({
    ...SHORT_RUN,
    agent: agent.url,
    out: freshDir('ledger'),
    signal: ctrlC.signal,
    chaos: async (ctx) => {
      crm = ctx.simulators.crm.url;
      return watch.factory();
    },
  });
  const { manifest, calls, ledger } = readRun(run.dir);
  expect(manifest.status).toBe('interrupted');
  const finished = new Set(calls.map((c) => c.callId));
  expect(ledger.unfinished.calls.length).toBeGreaterThan(0);
  expect(ledger.unfinished.calls.every((id) => !finished.has(id) && odd(id))).toBe(true);
  expect(ledger.unfinished.writes.length).toBeGreaterThan(0);
  expect(ledger.unfinished.writes.every((w) => ledger.unfinished.calls.includes(w.callId!))).toBe(true);
  // Not one of them is counted as a write nobody asked for.
  expect(ledger.unexpected).toEqual([]);
  expect(ledger.totals.unexpected).toBe(0);
  expect(ledger.totals.expected).toBe(calls.reduce((a, c) => a + c.writes.expected, 0));
});
