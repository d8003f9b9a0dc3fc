import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, test } from 'vitest';
import { BIN, runCli } from '../helpers/run-cli.ts';
import { endAtOnce, type ScriptedAgent, startScriptedAgent } from './scripted-agent.ts';

/**
 * A disk that fills up while a run writes its folder (issue 15): the run stops with
 * CS_ERR_OUTPUT_WRITE (exit 1), and the folder it leaves — calls.jsonl as far as it got, the final
 * manifest.json in the space the run held back — reads as it is. The folder is a real 2 MiB tmpfs
 * in a private mount namespace (`unshare -m`, root); a shell waits for the first call line, fills
 * the disk with dd, and copies the folder out once the run has ended.
 */
const canMount = spawnSync('unshare', ['-m', 'true'], { stdio: 'ignore' }).status === 0;
const SCRIPT = `set -e
mount -t tmpfs -o size=2m tmpfs "$DISK"
"$NODE" "$BIN" "$@" --out "$DISK/run" 2>"$OUTSIDE/stderr" &
pid=$!
i=0
while [ ! -s "$DISK/run/calls.jsonl" ] && [ $i -lt 600 ]; do sleep 0.05; i=$((i+1)); done
dd if=/dev/zero of="$DISK/filler" bs=4k 2>/dev/null || true
set +e
wait $pid
echo $? >"$OUTSIDE/exit"
cp -r "$DISK/run" "$OUTSIDE/run"`;

let agent: ScriptedAgent | null = null;
const outside = mkdtempSync(join(tmpdir(), 'callstorm-disk-full-'));
afterAll(async () => {
  await agent?.close();
  rmSync(outside, { recursive: true, force: true });
});

test.skipIf(!canMount && process.env.CI !== 'true')(
  'a run whose disk fills up mid-run stops with CS_ERR_OUTPUT_WRITE and leaves a folder that reads',
  async () => {
    if (!canMount) throw new Error('CI: this test needs `unshare -m` (root) for its full disk');
    agent = await startScriptedAgent({ turn: endAtOnce });
    const disk = join(outside, 'disk');
    mkdirSync(disk);
    const args = [
      'run',
      '--vertical',
      'appointments',
      '--stage',
      'hardening',
      '--window',
      '2026-03-02T09:00/2026-03-02T09:30',
      '--speed',
      '60',
      '--seed',
      '3',
      '--latency',
      'zero',
      '--simulators',
      'in-process',
      '--no-wiring-check',
      '--no-progress',
      '--agent',
      agent.url,
    ];
    const child = spawn('unshare', ['-m', 'sh', '-c', SCRIPT, 'sh', ...args], {
      env: { ...process.env, DISK: disk, OUTSIDE: outside, NODE: process.execPath, BIN },
      stdio: 'ignore',
    });
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    expect(code).toBe(0);
    const stderr = readFileSync(join(outside, 'stderr'), 'utf8');
    expect(readFileSync(join(outside, 'exit'), 'utf8').trim(), stderr).toBe('1');
    expect(stderr).toMatch(/^CS_ERR_OUTPUT_WRITE: could not finish writing the run folder .*ENOSPC/m);
    expect(stderr).toContain('fix: ');
    expect(stderr).not.toMatch(/CS_ERR_INTERNAL|\n\s+at /);
    const run = join(outside, 'run');
    const manifest = JSON.parse(readFileSync(join(run, 'manifest.json'), 'utf8')) as {
      status: string;
      reason: string | null;
      counts: Record<string, number>;
    };
    expect(manifest.status).toBe('failed');
    expect(manifest.reason).toContain('ENOSPC');
    const lines = readFileSync(join(run, 'calls.jsonl'), 'utf8').split('\n').filter(Boolean);
    expect(lines.length).toBeGreaterThan(0);
    expect(manifest.counts['call.finished']).toBe(lines.length);
    // The folder reads: report measures what finished (no CS_ERR: not a bad folder).
    const report = runCli(['report', run, '--out', join(outside, 'report')]);
    expect(report.stderr).not.toContain('CS_ERR');
    expect([0, 1]).toContain(report.code);
  },
  120_000,
);
