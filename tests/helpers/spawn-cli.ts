import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { BIN, ROOT } from './run-cli.ts';

export interface SpawnedCli {
  readonly child: ChildProcess;
  /** What it has written so far. */
  readonly output: { stdout: string; stderr: string };
  /** Resolves when it exits. */
  readonly done: Promise<{
    code: number | null;
    signal: NodeJS.Signals | null;
    stdout: string;
    stderr: string;
  }>;
}

/** The real `callstorm` binary in a child process, not waited for (send it signals, watch its folder). */
export function spawnCli(args: readonly string[], env: NodeJS.ProcessEnv = {}): SpawnedCli {
  const child = spawn(process.execPath, [BIN, ...args], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output = { stdout: '', stderr: '' };
  child.stdout!.on('data', (d) => {
    output.stdout += String(d);
  });
  child.stderr!.on('data', (d) => {
    output.stderr += String(d);
  });
  const done = once(child, 'exit').then(([code, signal]) => ({
    code: code as number | null,
    signal: signal as NodeJS.Signals | null,
    ...output,
  }));
  return { child, output, done };
}
