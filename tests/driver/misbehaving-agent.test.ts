import { afterEach, expect, test } from 'vitest';
import { executeRun } from '../../src/driver/execute-run.ts';
import { MAX_DECLARED_AUDIO_MS, MAX_RESPONSE_BYTES } from '../../src/protocol/agent-protocol.ts';
import { freshDir, readRun, SHORT_RUN, watchingChaos } from './run-fixtures.ts';
import {
  carryOn,
  drip,
  endAtOnce,
  endlessBody,
  json,
  type ScriptedAgent,
  startScriptedAgent,
} from './scripted-agent.ts';

let agent: ScriptedAgent | null = null;
afterEach(async () => {
  await agent?.close();
  agent = null;
});

test('a DELETE answered by a slow drip does not hold the run: it completes with every call recorded', async () => {
  agent = await startScriptedAgent({ turn: carryOn, hangUp: (_r, res) => drip(res) });
  const started = performance.now();
  const run = await executeRun({ ...SHORT_RUN, agent: agent.url, out: freshDir('drip') });
  // The window is 2 s of wall time; each hang-up gets 5 s at most (and is not waited for by the caller).
  expect(performance.now() - started).toBeLessThan(30_000);
  const { manifest, calls } = readRun(run.dir);
  expect(manifest.status).toBe('complete');
  expect(calls.length).toBeGreaterThan(5);
  expect(calls.length).toBe(run.summary!.started);
  expect(agent.seen.hangUp).toBe(calls.length);
  expect(calls.every((c) => c.outcome === 'resolved' || c.outcome === 'false-containment')).toBe(true);
});

test('Ctrl-C against an agent that drips its DELETE answers ends the run at once and records what finished', async () => {
  agent = await startScriptedAgent({ turn: carryOn, hangUp: (_r, res) => drip(res) });
  const ctrlC = new AbortController();
  const watch = watchingChaos({ onRecord: (n) => n === 3 && ctrlC.abort() });
  const started = performance.now();
  const run = await executeRun({
    ...SHORT_RUN,
    agent: agent.url,
    out: freshDir('drip-int'),
    chaos: watch.factory,
    signal: ctrlC.signal,
  });
  expect(performance.now() - started).toBeLessThan(30_000);
  const { manifest, calls, ledger } = readRun(run.dir);
  expect(manifest).toMatchObject({ status: 'interrupted', complete: false });
  expect(manifest.driver?.stopped).toBe(true);
  expect(calls.length).toBeGreaterThanOrEqual(3);
  expect(calls.length).toBe(manifest.counts['call.finished']);
  expect(ledger.totals.expected).toBe(calls.reduce((a, c) => a + c.writes.expected, 0));
});

test('an endless response body fails each call at the 1 MiB cap, with that reason', async () => {
  agent = await startScriptedAgent({ turn: (_r, res) => endlessBody(res) });
  const run = await executeRun({ ...SHORT_RUN, agent: agent.url, out: freshDir('endless') });
  const { manifest, calls } = readRun(run.dir);
  expect(manifest.status).toBe('complete');
  // Not buffered whole, so the driver keeps up: the run stays valid (it was "lower --speed").
  expect(manifest.invalid).toBeNull();
  expect(calls.length).toBeGreaterThan(5);
  for (const c of calls) {
    expect(c.outcome).toBe('failed');
    expect(c.failure).toMatchObject({ kind: 'protocol-error', status: 200 });
    expect(c.failure!.message).toContain(`over the ${MAX_RESPONSE_BYTES}-byte cap`);
  }
});

test('a schema-valid greetingAudioMs of 41 days is capped: a 30-minute window still plays in seconds', async () => {
  agent = await startScriptedAgent({
    create: (r, res) =>
      json(res, 201, { sessionId: `s-${r.callId}`, greeting: 'Hello.', greetingAudioMs: 3_600_000_000 }),
    turn: endAtOnce,
  });
  const started = performance.now();
  const run = await executeRun({ ...SHORT_RUN, agent: agent.url, out: freshDir('greeting') });
  expect(performance.now() - started).toBeLessThan(30_000);
  const { manifest, calls } = readRun(run.dir);
  expect(manifest.status).toBe('complete');
  expect(calls.length).toBeGreaterThan(5);
  for (const c of calls) expect(c.cost.agentAudioMs).toBe(MAX_DECLARED_AUDIO_MS);
});

test('a run that outlives its deadline ends, records what finished and says why', async () => {
  // Even calls end at once; odd calls get no answer to their first turn (until their caller gives up).
  const odd = (callId: string) => Number(callId.split('-').pop()) % 2 === 1;
  agent = await startScriptedAgent({ turn: (r, res) => (odd(r.callId) ? undefined : endAtOnce(r, res)) });
  const started = performance.now();
  const run = await executeRun({
    ...SHORT_RUN,
    agent: agent.url,
    out: freshDir('deadline'),
    deadlineGraceMs: 1_000,
  });
  const wall = performance.now() - started;
  const { manifest, calls, ledger } = readRun(run.dir);
  expect(manifest.status).toBe('aborted');
  expect(manifest.reason).toMatch(
    /^run deadline: .* passed \(window ÷ speed \+ 1\.0 s grace\) with \d+ call\(s\) in progress/,
  );
  expect(manifest.deadline).toMatchObject({ graceMs: 1_000, reached: true });
  expect(wall).toBeLessThan(manifest.deadline!.wallMs + 20_000);
  expect(calls.length).toBe(manifest.counts['call.finished']);
  expect(calls.filter((c) => !odd(c.callId)).length).toBeGreaterThan(3);
  expect(run.summary!.interrupted).toBeGreaterThan(0);
  expect(ledger.unfinished.calls.length).toBe(run.summary!.interrupted);
  expect(ledger.unfinished.calls.every(odd)).toBe(true);
}, 60_000);
