import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { proxyPrefixFor } from '../../src/chaos/dependency-proxies.ts';
import { readFaultLog } from '../../src/chaos/fault-log.ts';
import { installRollbackGuard } from '../../src/chaos/rollback-guard.ts';
import { describeWithToxiproxy, proxyNames, proxyState, startTestToxiproxy } from './toxiproxy-for-tests.ts';

const FIXTURE = fileURLToPath(new URL('../fixtures/chaos-run.ts', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'callstorm-guard-'));

interface Child {
  ready: Promise<{ proxies: string[] }>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }>;
  kill(signal: NodeJS.Signals): void;
}

/** Runs tests/fixtures/chaos-run.ts: simulators + orchestrator with faults active, guard installed. */
function runFixture(toxiproxyUrl: string, runId: string, mode: 'wait' | 'throw' | 'reject'): Child {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', FIXTURE, runId, join(dir, `${runId}.jsonl`), mode],
    {
      env: { ...process.env, TOXIPROXY_URL: toxiproxyUrl },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let stdout = '';
  let stderr = '';
  child.stderr.on('data', (c: Buffer) => {
    stderr += c.toString();
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }>(
    (resolve) => child.once('exit', (code, signal) => resolve({ code, signal, stderr })),
  );
  const ready = new Promise<{ proxies: string[] }>((resolve, reject) => {
    child.stdout.on('data', (c: Buffer) => {
      stdout += c.toString();
      const line = stdout.split('\n').find((l) => l.includes('"ready"'));
      if (line) resolve(JSON.parse(line));
    });
    void exited.then(({ code }) =>
      reject(new Error(`fixture exited (${code}) before it was ready:\n${stderr}`)),
    );
  });
  return { ready, exited, kill: (signal) => child.kill(signal) };
}

describeWithToxiproxy('no toxic outlives the run (a real Toxiproxy, a child process)', () => {
  let toxiproxy: Awaited<ReturnType<typeof startTestToxiproxy>>;
  beforeAll(async () => {
    toxiproxy = await startTestToxiproxy();
  });
  afterAll(async () => {
    await toxiproxy?.stop();
  });

  async function expectNothingLeft(runId: string) {
    expect((await proxyNames(toxiproxy.url)).filter((n) => n.startsWith(proxyPrefixFor(runId)))).toEqual([]);
    const log = readFaultLog(join(dir, `${runId}.jsonl`));
    expect(
      log
        .filter((e) => e.event === 'applied')
        .map((e) => e.faultId)
        .sort(),
    ).toEqual(['asr-probe', 'crm-slow', 'llm-down']);
    expect(log.filter((e) => e.event === 'removed').map((e) => e.detail?.['by'])).toEqual([
      'rollback',
      'rollback',
      'rollback',
    ]);
    expect(log.at(-1)).toMatchObject({ event: 'rollback', detail: { step: 'teardown', complete: true } });
  }

  for (const [signal, code] of [
    ['SIGINT', 130],
    ['SIGTERM', 143],
  ] as const) {
    test(`${signal}: rolls back, deletes the run's proxies and exits ${code}`, async () => {
      const runId = `guard-${signal.toLowerCase()}`;
      const child = runFixture(toxiproxy.url, runId, 'wait');
      const { proxies } = await child.ready;
      expect(proxies).toHaveLength(7);
      // The faults are really there before the signal.
      expect((await proxyState(toxiproxy.url, `callstorm-${runId}-llm-primary-eu`)).enabled).toBe(false);
      expect((await proxyState(toxiproxy.url, `callstorm-${runId}-crm`)).toxics).toHaveLength(1);
      child.kill(signal);
      const exit = await child.exited;
      expect(exit.code).toBe(code);
      expect(exit.stderr).toContain(`${signal}: rolling back faults`);
      await expectNothingLeft(runId);
    });
  }

  for (const mode of ['throw', 'reject'] as const) {
    test(`an uncaught ${mode === 'throw' ? 'exception' : 'rejection'}: rolls back and exits 1`, async () => {
      const runId = `guard-${mode}`;
      const child = runFixture(toxiproxy.url, runId, mode);
      await child.ready;
      const exit = await child.exited;
      expect(exit.code).toBe(1);
      expect(exit.stderr).toContain(
        mode === 'throw' ? 'deliberate uncaught error' : 'deliberate unhandled rejection',
      );
      await expectNothingLeft(runId);
    });
  }
});

test('a rollback that never finishes is given up after its bound, saying what may be left', async () => {
  const written: string[] = [];
  const guard = installRollbackGuard({
    rollback: () => new Promise(() => {}),
    leftovers: () => ['proxy callstorm-x-crm'],
    timeoutMs: 200,
    write: (t) => written.push(t),
    exit: () => {},
  });
  try {
    const start = performance.now();
    expect(await guard.run()).toBe(false);
    expect(performance.now() - start).toBeLessThan(1000);
    expect(written.join('')).toContain('CS_ERR_ROLLBACK_INCOMPLETE: rollback gave up after 200 ms');
    expect(written.join('')).toContain('proxy callstorm-x-crm');
    expect(await guard.run()).toBe(false); // once
  } finally {
    guard.dispose();
  }
});

test('a completed rollback on normal end runs once', async () => {
  let runs = 0;
  const guard = installRollbackGuard({
    rollback: async () => {
      runs++;
      return { complete: true, leftovers: [] };
    },
    exit: () => {},
  });
  try {
    expect(await guard.run()).toBe(true);
    expect(await guard.run()).toBe(true);
    expect(runs).toBe(1);
  } finally {
    guard.dispose();
  }
});
