import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, test } from 'vitest';
import { BIN, runCli } from '../helpers/run-cli.ts';
import { endAtOnce, type ScriptedAgent, startScriptedAgent } from './scripted-agent.ts';

/**
 * A disk that fills up while a run writes its folder (issue 15): the run stops with
 * CS_ERR_OUTPUT_WRITE (exit 1) naming the file and the reason, and the folder it leaves reads as
 * it is. The folder is a real 2 MiB tmpfs in a private mount namespace (`unshare -m`, root); a
 * shell waits for the first call line, fills the disk with dd, and copies the folder out once the
 * run has ended. (A read-only remount cannot be made while the run holds calls.jsonl open for
 * writing — the kernel answers EBUSY — so EROFS mid-run is not tested here.)
 */
const canMount = spawnSync('unshare', ['-m', 'true'], { stdio: 'ignore' }).status === 0;
const SCRIPT = `set -e
mount -t tmpfs -o size=2m tmpfs "$DISK"
"$NODE" "$BIN" "$@" --out "$DISK/run" 2>"$OUTSIDE/stderr-$HOW" &
pid=$!
i=0
while [ ! -s "$DISK/run/calls.jsonl" ] && [ $i -lt 600 ]; do sleep 0.05; i=$((i+1)); done
dd if=/dev/zero of="$DISK/filler" bs=4k 2>/dev/null || true
set +e
wait $pid
echo $? >"$OUTSIDE/exit-$HOW"
cp -r "$DISK/run" "$OUTSIDE/run-$HOW"`;
const ARGS = [
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
];

let agent: ScriptedAgent | null = null;
const outside = mkdtempSync(join(tmpdir(), 'callstorm-disk-full-'));
afterAll(async () => {
  await agent?.close();
  rmSync(outside, { recursive: true, force: true });
});

interface Ended {
  readonly code: string;
  readonly stderr: string;
  readonly run: string;
  readonly manifest: { status: string; reason: string | null; counts: Record<string, number> };
  readonly calls: number;
}

async function runOnDisk(how: 'full'): Promise<Ended> {
  if (!canMount) throw new Error('CI: this test needs `unshare -m` (root) for its disk');
  agent ??= await startScriptedAgent({ turn: endAtOnce });
  const disk = join(outside, `disk-${how}`);
  mkdirSync(disk);
  const child = spawn('unshare', ['-m', 'sh', '-c', SCRIPT, 'sh', ...ARGS, '--agent', agent.url], {
    env: { ...process.env, DISK: disk, OUTSIDE: outside, NODE: process.execPath, BIN, HOW: how },
    stdio: 'ignore',
  });
  const exit = await new Promise<number | null>((resolve) => child.on('exit', resolve));
  expect(exit).toBe(0);
  const run = join(outside, `run-${how}`);
  return {
    code: readFileSync(join(outside, `exit-${how}`), 'utf8').trim(),
    stderr: readFileSync(join(outside, `stderr-${how}`), 'utf8'),
    run,
    manifest: JSON.parse(readFileSync(join(run, 'manifest.json'), 'utf8')),
    calls: readFileSync(join(run, 'calls.jsonl'), 'utf8').split('\n').filter(Boolean).length,
  };
}

/** The folder reads: report measures what finished (no CS_ERR: not a bad folder). */
function expectReadable(run: string): void {
  const report = runCli(['report', run, '--out', `${run}-report`]);
  expect(report.stderr).not.toContain('CS_ERR');
  expect([0, 1]).toContain(report.code);
}

const needsMount = test.skipIf(!canMount && process.env.CI !== 'true');

needsMount(
  'a run whose disk fills up mid-run stops with CS_ERR_OUTPUT_WRITE and leaves a folder that reads',
  async () => {
    const r = await runOnDisk('full');
    expect(r.code, r.stderr).toBe('1');
    expect(r.stderr).toMatch(/^CS_ERR_OUTPUT_WRITE: could not finish writing the run folder .*ENOSPC/m);
    expect(r.stderr).toContain('fix: ');
    expect(r.stderr).not.toMatch(/CS_ERR_INTERNAL|\n\s+at /);
    // The final manifest fits in the space the run held back.
    expect(r.manifest.status).toBe('failed');
    expect(r.manifest.reason).toContain('ENOSPC');
    expect(r.calls).toBeGreaterThan(0);
    expect(r.manifest.counts['call.finished']).toBe(r.calls);
    expectReadable(r.run);
  },
  120_000,
);
