// Runs the CLI fuzz's cases in a child (fuzz-runner.ts) under a heap cap, watching each case: a
// case that does not end within `caseTimeoutMs` is recorded as hung and the child is killed and
// restarted after it; a child that dies (out of memory) is recorded against the case it was on.
// With `mounts`, the child runs in a private mount namespace (unshare -m) where the layout's
// read-only folder is a read-only bind mount and its full folder a full 1 MiB tmpfs.
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FuzzCase, FuzzLayout } from './fuzz-cases.ts';
import type { CaseResult } from './fuzz-runner.ts';

const RUNNER = fileURLToPath(new URL('./fuzz-runner.ts', import.meta.url));
/** tsx by URL: the runner's working folder is the fuzz's temporary root, where a bare 'tsx' resolves to nothing. */
const TSX = import.meta.resolve('tsx');

export interface FuzzResult extends Partial<CaseResult> {
  readonly index: number;
  readonly code: number;
  readonly stderr: string;
  readonly ms: number;
  /** Killed after caseTimeoutMs, or the runner died on this case (how). */
  readonly failure?: string;
}

export interface FuzzOutcome {
  readonly results: readonly FuzzResult[];
  readonly peakRssMb: number;
  readonly mounts: boolean;
  readonly restarts: number;
}

/** True when this process may make a private mount namespace (root, util-linux unshare). */
export function canMount(): boolean {
  return spawnSync('unshare', ['-m', 'true'], { stdio: 'ignore' }).status === 0;
}

const MOUNT_SCRIPT = `set -e
mount -t tmpfs -o size=1m tmpfs "$CALLSTORM_FUZZ_FULL"
dd if=/dev/zero of="$CALLSTORM_FUZZ_FULL/filler" bs=4k 2>/dev/null || true
mount --bind "$CALLSTORM_FUZZ_RO" "$CALLSTORM_FUZZ_RO"
mount -o remount,bind,ro "$CALLSTORM_FUZZ_RO"
exec "$@"`;

export async function runFuzz(options: {
  readonly layout: FuzzLayout;
  readonly cases: readonly FuzzCase[];
  readonly caseTimeoutMs: number;
  readonly heapMb: number;
  readonly mounts: boolean;
}): Promise<FuzzOutcome> {
  const { layout, cases, caseTimeoutMs, heapMb, mounts } = options;
  const casesPath = join(layout.root, 'cases.json');
  writeFileSync(casesPath, JSON.stringify(cases));
  const results: FuzzResult[] = [];
  let peakRssMb = 0;
  let restarts = 0;
  let next = 0;
  while (next < cases.length) {
    const node = [`--max-old-space-size=${heapMb}`, '--import', TSX, RUNNER, casesPath, String(next)];
    const [cmd, args] = mounts
      ? ['unshare', ['-m', 'sh', '-c', MOUNT_SCRIPT, 'sh', process.execPath, ...node]]
      : [process.execPath, node];
    const child: ChildProcess = spawn(cmd as string, args as string[], {
      cwd: layout.root,
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
      env: { ...process.env, CALLSTORM_FUZZ_FULL: layout.full, CALLSTORM_FUZZ_RO: layout.readOnly },
    });
    let childErr = '';
    child.stderr?.on('data', (d: Buffer) => {
      if (childErr.length < 10_000) childErr += d.toString();
    });
    const ended = await new Promise<{ failure: string | null }>((resolve) => {
      let watchdog: NodeJS.Timeout;
      const arm = () => {
        clearTimeout(watchdog);
        watchdog = setTimeout(() => {
          child.kill('SIGKILL');
          resolve({ failure: `did not end within ${caseTimeoutMs / 1000} s (killed)` });
        }, caseTimeoutMs);
      };
      arm();
      child.on('message', (r: CaseResult) => {
        results.push(r);
        peakRssMb = Math.max(peakRssMb, r.peakRssMb);
        next = r.index + 1;
        arm();
      });
      child.on('exit', (code, signal) => {
        clearTimeout(watchdog);
        resolve({
          failure:
            next >= cases.length
              ? null
              : `the runner died (${signal ?? `exit ${code}`}): ${childErr.slice(-2000)}`,
        });
      });
    });
    if (ended.failure && next < cases.length) {
      results.push({
        index: next,
        code: -1,
        stderr: childErr.slice(-2000),
        ms: caseTimeoutMs,
        failure: ended.failure,
      });
      next++;
      restarts++;
    }
    await new Promise<void>((resolve) =>
      child.exitCode !== null || child.signalCode !== null ? resolve() : child.once('exit', () => resolve()),
    );
  }
  return { results, peakRssMb, mounts, restarts };
}
