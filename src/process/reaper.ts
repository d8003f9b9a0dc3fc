import { type ChildProcess, spawn } from 'node:child_process';

/** What a reaper signals when this process goes: one process, or every process of a group. */
export type ReaperTarget = { readonly pid: number } | { readonly group: number };

export interface Reaper {
  /** Stops the reaper without signalling anything (call it before stopping the target yourself). */
  cancel(): void;
}

/**
 * A process that signals `target` when this one dies, however it dies. An 'exit' hook covers a
 * normal end and an uncaught error; a SIGKILL runs no code here, and the target would outlive us.
 * The reaper, a shell, reads a pipe from this process with its built-in `read` (no child of its own
 * while it waits) until end of file, which the kernel gives it when this process goes; then it
 * sends the target SIGTERM and, with `killAfterMs`, SIGKILL that long after.
 *
 * It runs in a session of its own (`detached`), so a terminal's Ctrl-C, which reaches our whole
 * process group, does not end it before it has done its job. It holds no reference on our event
 * loop. `cancel()` kills it first, so it never signals a pid or group that no longer is ours.
 * Returns null where there is no `/bin/sh` (then the caller's 'exit' hook is all there is).
 */
export function startReaper(target: ReaperTarget, killAfterMs?: number): Reaper | null {
  const id = 'group' in target ? `-${target.group}` : String(target.pid);
  const seconds = killAfterMs === undefined ? '' : (Math.max(0, killAfterMs) / 1000).toFixed(3);
  const script = [
    'while read -r _; do :; done',
    'kill -TERM "$1" 2>/dev/null',
    ...(seconds ? ['sleep "$2"', 'kill -KILL "$1" 2>/dev/null'] : []),
  ].join('; ');
  let reaper: ChildProcess;
  try {
    reaper = spawn('/bin/sh', ['-c', script, 'callstorm-reaper', id, seconds || '0'], {
      stdio: ['pipe', 'ignore', 'ignore'],
      detached: true,
    });
  } catch {
    return null;
  }
  reaper.once('error', () => {});
  reaper.stdin?.on('error', () => {});
  reaper.unref();
  (reaper.stdin as unknown as { unref?: () => void } | null)?.unref?.();
  return {
    cancel() {
      if (reaper.exitCode === null && reaper.signalCode === null) reaper.kill('SIGKILL');
    },
  };
}
