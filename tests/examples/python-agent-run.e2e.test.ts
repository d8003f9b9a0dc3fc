import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { CallRecord } from '../../src/telemetry/call-record.ts';
import type { RunManifest } from '../../src/telemetry/run-manifest.ts';
import { startTestToxiproxy, TOXIPROXY_INSTALLED } from '../chaos/toxiproxy-for-tests.ts';
import { ROOT } from '../helpers/run-cli.ts';
import { spawnCli } from '../helpers/spawn-cli.ts';

/**
 * examples/python-agent driven the way a user runs their own agent: `callstorm run --agent-cmd`
 * starts it with the run's wiring in its environment (docs/wiring.md), nothing else.
 */
const PYTHON = '.venv-example/bin/python';
const AGENT_CMD = `exec ${PYTHON} examples/python-agent/agent.py`;
const HAVE_VENV = existsSync(join(ROOT, PYTHON));
const IN_CI = process.env.CI === 'true';
// In CI a missing venv (or Toxiproxy) is a broken machine: the tests run and fail, never skip.
const describeWithVenv = HAVE_VENV || IN_CI ? describe : describe.skip;
const describeWithVenvAndToxiproxy = (HAVE_VENV && TOXIPROXY_INSTALLED) || IN_CI ? describe : describe.skip;
if (!HAVE_VENV && !IN_CI)
  console.warn(
    'skipping the Python agent runs: run `bash scripts/setup-python.sh` first (creates .venv-example)',
  );

const MIN = 60_000;
const outDir = (name: string) => join(mkdtempSync(join(tmpdir(), `callstorm-python-run-${name}-`)), 'run');

function read(dir: string) {
  const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as RunManifest;
  const calls = readFileSync(join(dir, 'calls.jsonl'), 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as CallRecord);
  const ledger = JSON.parse(readFileSync(join(dir, 'ledger.json'), 'utf8')) as {
    totals: { expected: number; landed: number; lost: number; duplicate: number; unexpected: number };
  };
  return { manifest, calls, ledger };
}

function args(out: string, window: string, speed: number, extra: readonly string[] = []): string[] {
  return [
    'run',
    '--vertical',
    'collections',
    '--stage',
    'pilot',
    '--window',
    window,
    '--speed',
    String(speed),
    '--seed',
    '1',
    '--latency',
    'zero',
    '--agent-cmd',
    AGENT_CMD,
    '--agent',
    'http://127.0.0.1:{port}',
    '--no-progress',
    '--out',
    out,
    ...extra,
  ];
}

describeWithVenv('the Python example agent under callstorm run --agent-cmd', () => {
  test('pilot window: calls resolved, and their writes landed once in this run’s own ledger', async () => {
    expect(existsSync(join(ROOT, PYTHON)), `${PYTHON} is missing: run scripts/setup-python.sh`).toBe(true);
    const out = outDir('pilot');
    const r = await spawnCli(args(out, '2026-03-30T09:00/2026-03-30T10:30', 360)).done;
    expect(r.code, `${r.stderr}\n${readFileSync(join(out, 'agent.log'), 'utf8')}`).toBe(0);
    const { manifest, calls, ledger } = read(out);
    expect(manifest.status).toBe('complete');
    expect(manifest.wiring!.check).toMatchObject({ result: 'passed' });
    expect(readFileSync(join(out, 'agent.log'), 'utf8')).toContain(`listening on`);
    const resolved = calls.filter((c) => c.outcome === 'resolved');
    expect(resolved.length).toBeGreaterThanOrEqual(Math.ceil(calls.length / 2));
    // The writes the agent made are in this run's CRM: reconciled per call, none duplicated.
    expect(ledger.totals.landed).toBeGreaterThan(0);
    expect(ledger.totals.duplicate).toBe(0);
    for (const c of resolved)
      expect(c.writes).toMatchObject({ landed: c.writes.expected, duplicate: 0, lost: 0 });
    expect(resolved.some((c) => c.writes.expected > 0)).toBe(true);
  });
});

describeWithVenvAndToxiproxy('the Python example agent under llm-regional-outage, real Toxiproxy', () => {
  let toxiproxy: Awaited<ReturnType<typeof startTestToxiproxy>>;
  beforeAll(async () => {
    toxiproxy = await startTestToxiproxy();
  });
  afterAll(async () => {
    await toxiproxy?.stop?.();
  });

  test('the outage reached it: its calls to the proxied primary failed while the fault was on, and it transferred them', async () => {
    expect(existsSync(join(ROOT, PYTHON)), `${PYTHON} is missing: run scripts/setup-python.sh`).toBe(true);
    const out = outDir('outage');
    const r = await spawnCli(args(out, 'peak-hour', 120, ['--drill', 'llm-regional-outage']), {
      TOXIPROXY_URL: toxiproxy.url,
    }).done;
    expect(r.code, `${r.stderr}\n${readFileSync(join(out, 'agent.log'), 'utf8')}`).toBe(0);
    const { manifest, calls } = read(out);
    expect(manifest.network.mode).toBe('toxiproxy');
    // It was given the proxy, not the simulator: that is how the outage can reach it.
    const primary = manifest.wiring!.proxies.find((p) => p.endpoint === 'llm-primary-eu')!;
    expect(manifest.wiring!.simulators['llm-primary-eu']!.url).toBe(`http://${primary.listen}`);
    const during = calls.filter((c) => c.faults.includes('llm-primary-down'));
    // Well clear of the fault (15m–40m), wall-time lag in applying and removing it included.
    const clear = calls.filter((c) => c.endedAtMs < 15 * MIN || c.arrivalMs > 42 * MIN);
    expect(during.length).toBeGreaterThanOrEqual(2);
    expect(clear.length).toBeGreaterThanOrEqual(2);
    // No failover in this agent: a call that asks the LLM while the primary is down goes to a person.
    const transferred = during.filter((c) => c.escalation?.reason === 'llm_unavailable');
    expect(transferred.length / during.length).toBeGreaterThanOrEqual(0.5);
    // The fault is on from 15m to 40m of the window: each of these calls overlapped it.
    expect(transferred.every((c) => c.endedAtMs > 15 * MIN && c.arrivalMs < 40 * MIN)).toBe(true);
    expect(clear.filter((c) => c.escalation?.reason === 'llm_unavailable')).toEqual([]);
  }, 180_000);
});
