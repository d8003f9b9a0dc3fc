import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, expect, test } from 'vitest';
import { executeRun } from '../../src/driver/execute-run.ts';
import { showsWiring, WiringCheck, type WiringCheckRecord } from '../../src/driver/wiring-check.ts';
import type { WiringEvidence } from '../../src/driver/wiring-evidence.ts';
import { type CallstormError, isCallstormError } from '../../src/errors/callstorm-error.ts';
import { simulatorsLineSchema } from '../../src/simulation/simulators-line.ts';
import type { CallRecord } from '../../src/telemetry/call-record.ts';
import { freePort } from '../../src/util/ports.ts';
import { freshDir, readRun, SHORT_RUN } from './run-fixtures.ts';
import { endAtOnce, type Handler, type ScriptedAgent, startScriptedAgent } from './scripted-agent.ts';

let agent: ScriptedAgent | null = null;
afterEach(async () => {
  await agent?.close();
  agent = null;
});

const ON = { ...SHORT_RUN, wiringCheck: true } as const;

test('an agent that answers calls without using any of the run’s simulators stops the run: CS_ERR_AGENT_NOT_WIRED, exit 2', async () => {
  agent = await startScriptedAgent({ turn: endAtOnce });
  const out = freshDir('not-wired');
  const error = await executeRun({ ...ON, agent: agent.url, out }).catch((e: unknown) => e);
  expect(isCallstormError(error) && error.code).toBe('CS_ERR_AGENT_NOT_WIRED');
  const e = error as CallstormError;
  expect(e.exitCode).toBe(2);
  // What a user reads: what is wrong, which calls, which simulators, and how to wire the agent.
  expect(e.message).toMatch(/the agent is not using this run's simulators: it answered 3 finished call\(s\)/);
  expect(e.message).toMatch(/asr http:\/\/127\.0\.0\.1:\d+, tts http/);
  expect(e.hint).toContain('--agent-cmd');
  expect(e.hint).toContain('CALLSTORM_WIRING');
  expect(e.hint).toContain('--wiring-out');
  expect(e.hint).toContain('--simulators-port-base');
  const { manifest } = readRun(out);
  expect(manifest).toMatchObject({ status: 'failed', complete: false });
  expect(manifest.reason).toContain("the agent is not using this run's simulators");
  const check = manifest.wiring!.check!;
  expect(check.result).toBe('failed');
  expect(check.calls).toHaveLength(3);
  expect(Object.values(check.requests!).every((n) => n === 0)).toBe(true);
  expect(Object.keys(check.requests!)).toEqual([
    'asr',
    'tts',
    'crm',
    'llm-primary-eu',
    'llm-secondary-eu',
    'llm-us',
    'twilio',
  ]);
});

test('an agent that uses the wiring passes the check; the wiring is recorded and --wiring-out written before the first call', async () => {
  const out = freshDir('wired');
  const wiringOut = join(out, '..', 'wiring-out.json');
  let wiringAtFirstCall: string | null = null;
  // It reads the ASR's URL from the wiring file, as an agent started beside the run would.
  const turn: Handler = async (req, res) => {
    wiringAtFirstCall ??= readFileSync(wiringOut, 'utf8');
    const asr = simulatorsLineSchema.parse(JSON.parse(wiringAtFirstCall)).simulators.asr!.url;
    await fetch(`${asr}/v1/listen`, { method: 'POST', body: new Uint8Array(160) }).catch(() => null);
    endAtOnce(req, res);
  };
  agent = await startScriptedAgent({ turn });
  const run = await executeRun({ ...ON, agent: agent.url, out, wiringOut });
  expect(run.manifest.status).toBe('complete');
  const { manifest } = readRun(out);
  const wiring = manifest.wiring!;
  expect(wiring.check).toMatchObject({ result: 'passed' });
  expect(wiring.check!.requests!['asr']).toBeGreaterThanOrEqual(3);
  expect(wiring).toMatchObject({ proxies: [], portBase: null, file: wiringOut, agent: null });
  expect(wiring.simulators['crm']).toMatchObject({
    kind: 'crm',
    url: expect.stringMatching(/^http:\/\/127/),
  });
  // The file is the simulators line: one JSON line, the wiring the manifest records.
  const line = simulatorsLineSchema.parse(JSON.parse(wiringAtFirstCall!));
  expect(line).toMatchObject({ seed: SHORT_RUN.seed, vertical: 'appointments', stage: 'hardening' });
  expect(line.simulators).toEqual(wiring.simulators);
  expect(wiringAtFirstCall!.trimEnd().split('\n')).toHaveLength(1);
});

test('--wiring-out without --agent-cmd: an agent started once the file appears is waited for', async () => {
  const out = freshDir('late');
  const wiringOut = join(out, '..', 'late-wiring.json');
  const port = await freePort();
  const started = executeRun({ ...ON, agent: `http://127.0.0.1:${port}`, out, wiringOut });
  // What a user's script does: wait for the file, read the ASR's URL, start the agent.
  while (!existsSync(wiringOut)) await new Promise((r) => setTimeout(r, 20));
  const asr = simulatorsLineSchema.parse(JSON.parse(readFileSync(wiringOut, 'utf8'))).simulators.asr!.url;
  await new Promise((r) => setTimeout(r, 300)); // it takes a moment to start listening
  const turn: Handler = async (req, res) => {
    await fetch(`${asr}/v1/nothing`).catch(() => null);
    endAtOnce(req, res);
  };
  agent = await startScriptedAgent({ turn }, port);
  const run = await started;
  expect(run.manifest.status).toBe('complete');
  expect(readRun(out).manifest.wiring!.check).toMatchObject({ result: 'passed' });
});

test('no agent listening: the pre-flight check refuses the run before the first call (CS_ERR_AGENT_UNREACHABLE, exit 2)', async () => {
  const port = await freePort();
  const out = freshDir('unreachable');
  const error = await executeRun({ ...ON, agent: `http://127.0.0.1:${port}`, out }).catch((e: unknown) => e);
  expect(isCallstormError(error) && error.code).toBe('CS_ERR_AGENT_UNREACHABLE');
  expect((error as CallstormError).exitCode).toBe(2);
  expect((error as Error).message).toBe(
    `no agent answers at http://127.0.0.1:${port} (connection refused), so no call was made`,
  );
  expect((error as CallstormError).hint).toContain('--agent-cmd');
  const { manifest, calls } = readRun(out);
  expect(calls).toEqual([]);
  expect(manifest.status).toBe('failed');
  expect(manifest.counts['call.started'] ?? 0).toBe(0);
});

test('{port} without --agent-cmd, and --agent-cmd with the reference agent, are refused before anything starts', async () => {
  for (const [request, option] of [
    [{ agent: 'http://127.0.0.1:{port}' }, '--agent'],
    [{ agent: 'reference:production', agentCmd: 'python agent.py' }, '--agent'],
    [{ agent: 'http://127.0.0.1:{port}', agentCmd: '  ' }, '--agent-cmd'],
  ] as const) {
    const out = freshDir('bad-agent');
    const error = await executeRun({ ...ON, ...request, out }).catch((e: unknown) => e);
    expect(isCallstormError(error) && error.code).toBe('CS_ERR_BAD_ARGUMENT');
    expect((error as Error).message).toContain(`bad value for ${option}`);
    expect(existsSync(out)).toBe(false);
  }
});

// The check itself, fed records and evidence directly.

function record(callId: string, over: Partial<CallRecord> = {}): CallRecord {
  const turn = {
    index: 0,
    kind: 'open',
    sentAtMs: 0,
    voiceToVoiceMs: 400,
    sendLagMs: 0,
    status: 200,
    action: 'continue',
    transferReason: null,
    bargeIn: false,
    agent: null,
  } as const;
  return { callId, faults: [], turns: [turn], ...over } as CallRecord;
}

function check(evidence: (ids: readonly string[]) => Promise<WiringEvidence>, calls = 3) {
  const decided: WiringCheckRecord[] = [];
  const errors: CallstormError[] = [];
  const c = new WiringCheck({
    enabled: true,
    calls,
    endpoints: [{ name: 'asr', url: 'http://127.0.0.1:1' }],
    evidence,
    onDecided: (r) => decided.push(r),
    onNotWired: (e) => errors.push(e),
  });
  return { c, decided, errors };
}

test('calls with a fault active, or without an answered turn, do not count; a wired agent passes', async () => {
  const seen: string[][] = [];
  const { c, decided, errors } = check(async (ids) => {
    seen.push([...ids]);
    return { requests: { asr: 7 }, attributed: null };
  });
  const failedTurn = { ...record('x').turns[0]!, status: 500, voiceToVoiceMs: null };
  c.observe(record('faulted', { faults: ['llm-down'] }));
  c.observe(record('unanswered', { turns: [failedTurn] }));
  c.observe(record('no-turns', { turns: [] }));
  for (const id of ['a', 'b', 'c', 'd']) c.observe(record(id));
  await c.settle(true);
  expect(showsWiring(record('a'))).toBe(true);
  expect(seen).toEqual([['a', 'b', 'c']]);
  expect(decided).toEqual([
    expect.objectContaining({ result: 'passed', calls: ['a', 'b', 'c'], requests: { asr: 7 } }),
  ]);
  expect(errors).toEqual([]);
});

test('a short run is judged on the calls it had; unreadable counters leave the check undecided, never failed', async () => {
  const short = check(async () => ({ requests: { asr: 0 }, attributed: null }));
  short.c.observe(record('only'));
  await short.c.settle(true);
  expect(short.decided[0]).toMatchObject({ result: 'failed', calls: ['only'] });
  expect(short.errors.map((e) => e.code)).toEqual(['CS_ERR_AGENT_NOT_WIRED']);

  const unreadable = check(async () => {
    throw new Error('ECONNREFUSED');
  }, 1);
  unreadable.c.observe(record('a'));
  await unreadable.c.settle(true);
  expect(unreadable.decided[0]).toMatchObject({ result: 'undecided' });
  expect(unreadable.decided[0]!.detail).toContain('ECONNREFUSED');
  expect(unreadable.errors).toEqual([]);

  const interrupted = check(async () => ({ requests: { asr: 0 }, attributed: null }));
  interrupted.c.observe(record('a'));
  await interrupted.c.settle(false);
  expect(interrupted.decided[0]).toMatchObject({
    result: 'undecided',
    detail: 'the run stopped before the check',
  });
  expect(interrupted.errors).toEqual([]);
});
