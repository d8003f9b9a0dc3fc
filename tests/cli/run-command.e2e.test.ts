import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, test } from 'vitest';
import { callRecordSchema } from '../../src/telemetry/call-record.ts';
import { processAlive } from '../helpers/process-alive.ts';
import { runCli } from '../helpers/run-cli.ts';

const BIN = fileURLToPath(new URL('../../bin/callstorm.js', import.meta.url));

/**
 * calls.jsonl as readers take it: every whole line a valid record. A SIGKILL can land while the
 * last line is being written (the kernel stops a write between pages), so an unterminated last
 * line is skipped, as `callstorm report` does.
 */
function readCalls(dir: string) {
  const text = readFileSync(join(dir, 'calls.jsonl'), 'utf8');
  const whole = text.endsWith('\n') ? text : text.slice(0, text.lastIndexOf('\n') + 1);
  return whole
    .split('\n')
    .filter(Boolean)
    .map((line) => callRecordSchema.parse(JSON.parse(line)));
}

async function waitForCalls(dir: string, n: number, timeoutMs: number): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if (
      existsSync(join(dir, 'calls.jsonl')) &&
      readFileSync(join(dir, 'calls.jsonl'), 'utf8').split('\n').filter(Boolean).length >= n
    )
      return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`fewer than ${n} calls in ${dir} after ${timeoutMs} ms`);
}

const RUN = [
  'run',
  '--vertical',
  'collections',
  '--stage',
  'scale',
  '--window',
  '2026-03-30T09:00/2026-03-30T13:00',
  '--speed',
  '600',
  '--latency',
  'zero',
  '--seed',
  '4',
  '--no-progress',
];

test('a complete run writes every artefact, each call judged against ground truth', () => {
  const out = mkdtempSync(join(tmpdir(), 'callstorm-run-'));
  const r = runCli([
    'run',
    '--vertical',
    'appointments',
    '--stage',
    'hardening',
    '--window',
    '2026-03-02T09:00/2026-03-02T10:00',
    '--speed',
    // ×900 makes the simulators' event loop lag past the harness limits on a busy 2-core machine.
    '240',
    '--latency',
    'zero',
    '--no-progress',
    '--out',
    out,
  ]);
  expect(r.code, r.stderr).toBe(0);
  expect(r.stdout).toMatch(/^complete: \d+ calls — resolved \d+/);
  const manifest = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8'));
  expect(manifest).toMatchObject({
    status: 'complete',
    complete: true,
    invalid: null,
    agent: 'reference:production',
  });
  const calls = readCalls(out);
  expect(calls.length).toBe(manifest.counts['call.finished']);
  expect(calls.length).toBeGreaterThan(3);
  expect(calls.some((c) => c.outcome === 'resolved')).toBe(true);
  for (const c of calls) expect(c.turns.length).toBeGreaterThan(0);
  const histograms = JSON.parse(readFileSync(join(out, 'histograms.json'), 'utf8'));
  expect(histograms.metrics['call.turn.voice_to_voice_ms'].total.count).toBe(
    calls.reduce((a, c) => a + c.turns.filter((t) => t.voiceToVoiceMs !== null).length, 0),
  );
  const ledger = JSON.parse(readFileSync(join(out, 'ledger.json'), 'utf8'));
  expect(ledger.totals.expected).toBe(calls.reduce((a, c) => a + c.writes.expected, 0));
});

test('a run killed with SIGKILL leaves valid JSONL and a manifest that says incomplete', async () => {
  const out = mkdtempSync(join(tmpdir(), 'callstorm-kill-'));
  const child = spawn(process.execPath, [BIN, ...RUN, '--out', out], { stdio: 'ignore' });
  try {
    await waitForCalls(out, 5, 60_000);
  } finally {
    child.kill('SIGKILL');
    await once(child, 'exit');
  }
  const manifest = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8'));
  expect(manifest.complete).toBe(false);
  expect(manifest.status).toBe('running');
  expect(readCalls(out).length).toBeGreaterThanOrEqual(5);
  // The reference agent it started (a child process) does not outlive it.
  const dlq = join(out, 'agent-dead-letters.jsonl');
  const agentAlive = () => spawnSync('pgrep', ['-f', dlq], { encoding: 'utf8' }).stdout.trim().length > 0;
  const until = Date.now() + 10_000;
  while (agentAlive() && Date.now() < until) await new Promise((r) => setTimeout(r, 200));
  expect(agentAlive()).toBe(false);
  // Nor do the simulators it started in a child process (their pid is in the manifest).
  expect(manifest.simulators.mode).toBe('process');
  const simulatorsPid = manifest.simulators.pid as number;
  expect(simulatorsPid).toBeGreaterThan(0);
  while (processAlive(simulatorsPid) && Date.now() < until) await new Promise((r) => setTimeout(r, 200));
  expect(processAlive(simulatorsPid)).toBe(false);
});

test('a run into a folder that holds another run exits 2, names the folder and the fix', () => {
  const out = mkdtempSync(join(tmpdir(), 'callstorm-taken-'));
  writeFileSync(join(out, 'manifest.json'), '{"schema":"callstorm.run/v1"}\n');
  const r = runCli([...RUN, '--out', out]);
  expect(r.code).toBe(2);
  expect(r.stderr).toContain(
    `CS_ERR_RUN_FOLDER_TAKEN: the run folder ${out} already holds a run (it has manifest.json)`,
  );
  expect(r.stderr).toContain('fix: pass --out a new or empty folder');
  expect(readFileSync(join(out, 'manifest.json'), 'utf8')).toBe('{"schema":"callstorm.run/v1"}\n');
  expect(existsSync(join(out, 'calls.jsonl'))).toBe(false);
});

test('--simulators takes process or in-process', () => {
  const r = runCli([...RUN, '--simulators', 'elsewhere']);
  expect(r.code).toBe(2);
  expect(r.stderr).toContain('CS_ERR_BAD_ARGUMENT: bad value for --simulators: "elsewhere"');
  expect(r.stderr).toContain('use process or in-process');
});

test('--caller-audio takes tagged or speech', () => {
  const r = runCli([...RUN, '--caller-audio', 'mp3']);
  expect(r.code).toBe(2);
  expect(r.stderr).toContain('CS_ERR_BAD_ARGUMENT: bad value for --caller-audio: "mp3"');
  expect(r.stderr).toContain('use tagged or speech');
});

test('Ctrl-C stops the run: callers hang up, the manifest says interrupted, exit 130', async () => {
  const out = mkdtempSync(join(tmpdir(), 'callstorm-int-'));
  // A process group of its own, signalled as a whole, as a terminal's Ctrl-C does.
  const child = spawn(process.execPath, [BIN, ...RUN, '--out', out], {
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let stdout = '';
  child.stdout.on('data', (d) => {
    stdout += String(d);
  });
  await waitForCalls(out, 3, 60_000);
  process.kill(-child.pid!, 'SIGINT');
  const [code] = (await once(child, 'exit')) as [number];
  expect(code).toBe(130);
  // "interrupted: …", or "interrupted (INVALID: …): …" when the machine could not carry the speed.
  expect(stdout).toMatch(/^interrupted[:( ]/);
  const manifest = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8'));
  expect(manifest).toMatchObject({ status: 'interrupted', complete: false });
  expect(manifest.driver.stopped).toBe(true);
  expect(readCalls(out).length).toBe(manifest.counts['call.finished']);
  // The simulators (in the same process group) outlived the Ctrl-C long enough to reconcile.
  const ledger = JSON.parse(readFileSync(join(out, 'ledger.json'), 'utf8'));
  expect(ledger.totals.expected).toBe(readCalls(out).reduce((a, c) => a + c.writes.expected, 0));
  expect(manifest.reason).not.toContain('ledger.json not written');
});
