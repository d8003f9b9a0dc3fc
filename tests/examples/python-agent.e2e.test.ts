import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { CallPlan } from '../../simulators/callers/call-plan.ts';
import { writeWiringFile } from '../../src/driver/run-wiring.ts';
import { wiringEnvironment } from '../../src/driver/wiring-environment.ts';
import { CALLS_PATH, turnsPath } from '../../src/protocol/agent-protocol.ts';
import { simulatorsLine } from '../../src/simulation/simulators-line.ts';
import type { SimulatorSuite } from '../../src/simulation/start-simulators.ts';
import { call, driveCall, headersFor, heardRight, plansOf, simulatorsFor } from '../agent/agent-harness.ts';
import { ROOT } from '../helpers/run-cli.ts';

const PYTHON = join(ROOT, '.venv-example/bin/python');
const AGENT = join(ROOT, 'examples/python-agent/agent.py');
const HAVE_VENV = existsSync(PYTHON);
const IN_CI = process.env.CI === 'true';
// In CI a missing venv is a broken machine (scripts/setup-python.sh did not run): fail, don't skip.
const describeWithVenv = HAVE_VENV || IN_CI ? describe : describe.skip;
if (!HAVE_VENV && !IN_CI) {
  console.warn('skipping the Python example agent tests: run `bash scripts/setup-python.sh` first');
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** The environment `callstorm run --agent-cmd` gives an agent (docs/wiring.md), for a simulator suite. */
function wiringEnv(suite: SimulatorSuite, port: number, seed: number): Record<string, string> {
  const line = simulatorsLine(suite, { seed, vertical: 'collections', stage: 'pilot', window: 'month' });
  const file = join(mkdtempSync(join(tmpdir(), 'callstorm-python-wiring-')), 'wiring.json');
  writeWiringFile(file, line);
  return { PATH: process.env.PATH ?? '', ...wiringEnvironment(line, file, port) };
}

describeWithVenv('the Python example agent (examples/python-agent)', () => {
  const seed = 11;
  let plans: CallPlan[];
  let suite: SimulatorSuite;
  let agent: ChildProcess;
  let url: string;
  let log = '';

  beforeAll(async () => {
    plans = plansOf('collections', { seed, count: 2, filter: (p) => p.expectedWrites.length > 0 });
    suite = await simulatorsFor('collections', seed, plans, 'zero', { asrWordErrorFactor: 0 });
    const port = await freePort();
    url = `http://127.0.0.1:${port}`;
    agent = spawn(PYTHON, [AGENT], { env: wiringEnv(suite, port, seed), stdio: ['ignore', 'pipe', 'pipe'] });
    agent.stderr!.on('data', (d) => {
      log += String(d);
    });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`the agent did not start:\n${log}`)), 30_000);
      agent.stdout!.on('data', (d) => {
        if (String(d).includes('listening on')) {
          clearTimeout(timer);
          resolve();
        }
      });
      agent.on('exit', (code) => reject(new Error(`the agent exited (${code}):\n${log}`)));
      agent.on('error', (e) =>
        reject(new Error(`cannot start ${PYTHON} (run scripts/setup-python.sh): ${e.message}`)),
      );
    });
  });

  afterAll(async () => {
    agent?.kill('SIGTERM');
    await suite?.close();
  });

  test('resolves calls through ASR, LLM tools and TTS; each write lands once, with an Idempotency-Key', async () => {
    for (const plan of plans) {
      const driven = await driveCall(url, plan);
      expect(driven.errors, log).toEqual([]);
      expect(heardRight(suite.groundTruth, plan)).toBe(true); // the fixture's precondition (seeded)
      expect(driven.final).toBe(plan.expectedEnd.action);
      const first = driven.turns[0]!.telemetry!;
      expect(first.profile).toBe('python-example');
      expect(first.transcript).toEqual(expect.any(String));
      expect(first.intent).toBe(plan.turns[0]!.expect.intent);
      expect(first.dependencyCalls.map((c) => c.dependency)).toEqual(
        expect.arrayContaining(['asr', 'llm', 'tts']),
      );
      expect(first.dependencyCalls.find((c) => c.dependency === 'llm')!.region).toBe('eu');

      const totals = suite.crm.service.ledger.reconcileCall(plan);
      expect(totals).toMatchObject({
        expected: plan.expectedWrites.length,
        landed: plan.expectedWrites.length,
      });
      expect(totals).toMatchObject({ duplicate: 0, unexpected: 0 });
      const entries = suite.crm.service.ledger.entries().filter((e) => e.callId === plan.id);
      expect(entries.every((e) => typeof e.idempotencyKey === 'string' && e.idempotencyKey.length > 0)).toBe(
        true,
      );
    }
  });

  test('answers protocol errors as the protocol says, with x-callstorm-protocol: 1', async () => {
    const plan = plans[0]!;
    const bare = await call(url, 'POST', CALLS_PATH, { body: {} });
    expect(bare.status).toBe(400);
    expect(bare.body).toMatchObject({ error: { code: 'missing_header' } });
    expect(bare.headers.get('x-callstorm-protocol')).toBe('1');

    const headers = headersFor('run-errors', plan.id);
    const invalid = await call(url, 'POST', CALLS_PATH, { headers, body: { callId: plan.id, from: 42 } });
    expect(invalid.status).toBe(400);
    expect(
      (invalid.body as { error: { issues: { path: string }[] } }).error.issues.map((i) => i.path),
    ).toEqual(expect.arrayContaining(['from', 'to', 'locale']));

    const opened = await call(url, 'POST', CALLS_PATH, {
      headers,
      body: {
        callId: plan.id,
        from: plan.caller.phone,
        to: '03301234567',
        locale: 'en-GB',
        region: 'uk',
        consentRequired: true,
      },
    });
    expect(opened.status).toBe(201);
    const { sessionId, greeting } = opened.body as { sessionId: string; greeting: string };
    expect(greeting).toContain('recorded');
    const utterance = { id: plan.turns[0]!.id, audio: 'Q1NVMQ==', speechMs: 1 };
    const old = await call(url, 'POST', turnsPath(sessionId), { headers, body: { turn: -1, utterance } });
    expect(old.status).toBe(400);
    const gone = await call(url, 'POST', turnsPath('no-such-session'), {
      headers,
      body: { turn: 0, utterance },
    });
    expect(gone.body).toMatchObject({ error: { code: 'session_not_found' } });
    const hungUp = await call(url, 'DELETE', `${CALLS_PATH}/${sessionId}`, { headers });
    expect(hungUp.status).toBe(204);
    const late = await call(url, 'POST', turnsPath(sessionId), { headers, body: { turn: 0, utterance } });
    expect(late.status).toBe(409);
    expect(late.body).toMatchObject({ error: { code: 'session_ended' } });
    const route = await call(url, 'GET', '/v1/nothing', { headers });
    expect(route.body).toMatchObject({ error: { code: 'route_not_found' } });
  });
});
