import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect, test } from 'vitest';
import type { CallRecord } from '../../src/telemetry/call-record.ts';
import {
  describeWithToxiproxy,
  eventually,
  proxyNames,
  startTestToxiproxy,
} from '../chaos/toxiproxy-for-tests.ts';

const BIN = fileURLToPath(new URL('../../bin/callstorm.js', import.meta.url));
const DRILL = fileURLToPath(new URL('../fixtures/drills/short-llm-outage.yaml', import.meta.url));
const MIN = 60_000;
const FAULT = { from: 4 * MIN, to: 10 * MIN };

// Simulator latency at zero: the primary never times out on its own, so every secondary turn is the outage's.
function args(agent: string, out: string): string[] {
  return [
    'run',
    '--latency',
    'zero',
    '--vertical',
    'collections',
    '--stage',
    'scale',
    '--window',
    '2026-03-30T09:00/2026-03-30T09:25',
    '--speed',
    '60',
    '--seed',
    '2',
    '--drill',
    DRILL,
    '--agent',
    agent,
    '--no-progress',
    '--out',
    out,
  ];
}

function runCli(argv: string[], env: NodeJS.ProcessEnv) {
  const child = spawn(process.execPath, [BIN, ...argv], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => {
    stdout += String(d);
  });
  child.stderr.on('data', (d) => {
    stderr += String(d);
  });
  const done = once(child, 'exit').then(([code]) => ({ code: code as number, stdout, stderr }));
  return { child, done };
}

function calls(dir: string): CallRecord[] {
  return readFileSync(join(dir, 'calls.jsonl'), 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as CallRecord);
}

describeWithToxiproxy('callstorm run --drill against the reference agent, real Toxiproxy', () => {
  let toxiproxy: Awaited<ReturnType<typeof startTestToxiproxy>>;
  beforeAll(async () => {
    toxiproxy = await startTestToxiproxy();
  });
  afterAll(async () => {
    await toxiproxy?.stop?.();
  });
  const ours = async () => (await proxyNames(toxiproxy.url)).filter((n) => n.startsWith('callstorm-'));

  test('production answers from the secondary tier during the outage and from the primary after it; no proxy outlives the run', async () => {
    const out = mkdtempSync(join(tmpdir(), 'callstorm-drill-prod-'));
    const r = await runCli(args('reference:production', out), { TOXIPROXY_URL: toxiproxy.url }).done;
    expect(r.code, r.stderr).toBeLessThanOrEqual(1);
    const manifest = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8'));
    expect(manifest.network.mode).toBe('toxiproxy');
    const turns = calls(out).flatMap((c) => c.turns.filter((t) => t.agent));
    const during = turns.filter((t) => t.sentAtMs > FAULT.from + MIN && t.sentAtMs < FAULT.to);
    const after = turns.filter((t) => t.sentAtMs > FAULT.to + 6 * MIN);
    expect(during.length).toBeGreaterThan(10);
    expect(after.length).toBeGreaterThan(10);
    expect(
      during.filter((t) => t.agent!.fallbackTier === 'secondary').length / during.length,
    ).toBeGreaterThan(0.7);
    expect(after.filter((t) => t.agent!.fallbackTier === 'secondary')).toEqual([]);
    expect(turns.flatMap((t) => t.agent!.regions).every((r) => r.region === 'eu')).toBe(true);
    const verdict = JSON.parse(readFileSync(join(out, 'drill.json'), 'utf8'));
    expect(
      verdict.expectations.find((e: { name: string }) => e.name === 'the secondary EU tier answers').passed,
    ).toBe(true);
    const log = readFileSync(join(out, 'faults.jsonl'), 'utf8');
    expect(log).toContain('"event":"applied"');
    expect(log).toContain('"event":"removed"');
    // The counters count the chaos side's events, and the manifest lists the drill's files.
    const events = (e: string) => log.split('\n').filter((l) => l.includes(`"event":"${e}"`)).length;
    expect(manifest.counts['fault.applied']).toBe(events('applied'));
    expect(manifest.counts['fault.removed']).toBe(events('removed'));
    expect(manifest.counts['fault.applied']).toBeGreaterThan(0);
    expect(manifest.files).toEqual(expect.arrayContaining(['faults.jsonl', 'drill.json', 'ledger.json']));
    expect(await ours()).toEqual([]);
  });

  test('the pilot architecture fails calls during the same outage', async () => {
    const out = mkdtempSync(join(tmpdir(), 'callstorm-drill-pilot-'));
    const r = await runCli(args('reference:pilot', out), { TOXIPROXY_URL: toxiproxy.url }).done;
    // The run itself completes (exit 0): judging it is the gate's job.
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(readFileSync(join(out, 'drill.json'), 'utf8')).passed).toBe(false);
    const all = calls(out);
    const inOutage = all.filter((c) => c.arrivalMs > FAULT.from + MIN && c.arrivalMs < FAULT.to - MIN);
    const lost = inOutage.filter((c) => c.outcome === 'failed' || c.outcome === 'abandoned');
    expect(lost.length / inOutage.length).toBeGreaterThan(0.5);
    expect(all.filter((c) => c.arrivalMs < FAULT.from - MIN).every((c) => c.outcome !== 'failed')).toBe(true);
    expect(await ours()).toEqual([]);
  });

  test('Ctrl-C in the middle of the outage: the run stops, the proxy comes down, nothing of the run is left in Toxiproxy', async () => {
    const out = mkdtempSync(join(tmpdir(), 'callstorm-drill-int-'));
    const run = runCli(args('reference:production', out), { TOXIPROXY_URL: toxiproxy.url });
    await eventually(
      () => {
        try {
          return readFileSync(join(out, 'faults.jsonl'), 'utf8').includes('"event":"applied"');
        } catch {
          return false;
        }
      },
      60_000,
      'the outage to start',
    );
    expect((await ours()).length).toBeGreaterThan(0);
    run.child.kill('SIGINT');
    const r = await run.done;
    expect(r.code).toBe(130);
    const manifest = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8'));
    expect(manifest.status).toBe('interrupted');
    expect(await ours()).toEqual([]);
    expect(readFileSync(join(out, 'faults.jsonl'), 'utf8')).toContain('"event":"rollback"');
  });

  test('an error after the proxies are up (a bad --agent) still removes them', async () => {
    const out = mkdtempSync(join(tmpdir(), 'callstorm-drill-err-'));
    const r = await runCli(args('reference:nonsense', out), { TOXIPROXY_URL: toxiproxy.url }).done;
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('unknown reference agent profile "nonsense"');
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(await ours()).toEqual([]);
    const manifest = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8'));
    expect(manifest).toMatchObject({ status: 'failed', complete: false });
  });
});
