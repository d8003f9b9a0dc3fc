import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { sleep } from '../util/abortable-sleep.ts';
import type { ChildReadiness } from './child-readiness.ts';
import { groupMembers, signalGroup } from './process-group.ts';
import { type Reaper, startReaper } from './reaper.ts';

/**
 * How a child's lifetime is tied to this process, so that no child outlives a run, even one
 * killed with SIGKILL:
 * - `stdin`: a callstorm child started with `--exit-with-stdin`. Its stdin is a pipe from this
 *   process; the kernel closes it when this process goes, however it goes, and the child exits.
 * - `group`: a command that does not read our stdin (a user's shell command). It runs in a
 *   process group of its own; `close()` signals the whole group, an 'exit' hook kills the group
 *   on an unclean exit, and a reaper process (reaper.ts) signals it when this process is killed.
 */
export type ChildLifetime = 'stdin' | 'group';

export interface ChildOptions<T> {
  readonly command: string;
  readonly args?: readonly string[];
  readonly cwd?: string;
  readonly env?: NodeJS.ProcessEnv;
  readonly lifetime: ChildLifetime;
  readonly readiness: ChildReadiness<T>;
  /** How long it may take to be ready (default 30 s). */
  readonly readyTimeoutMs?: number;
  /** Between SIGTERM and SIGKILL when stopping (default 5 s). */
  readonly stopGraceMs?: number;
  /**
   * Append its stdout and stderr to this file (created if missing). Without one, stdout is a pipe
   * (for a ready line) and the tail of stderr is kept for error messages.
   */
  readonly logFile?: string;
}

export interface ChildExit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

export interface RunningChild<T> {
  readonly pid: number;
  /** What the readiness check resolved with (e.g. the parsed ready line). */
  readonly ready: T;
  /** Resolves when the child (in `group`, the group's leader) exits. */
  readonly exited: Promise<ChildExit>;
  readonly hasExited: boolean;
  /** The last of what it wrote: the tail of its stderr, or the last lines of its log file. */
  output(): string;
  /**
   * SIGTERM (to the whole group in `group`), SIGKILL after the grace period; resolves when the
   * child, and in `group` every process of its group, is gone. Idempotent.
   */
  close(): Promise<void>;
}

/** Why a child did not become ready; it has been stopped. `output` is its last output. */
export class ChildStartError extends Error {
  readonly output: string;
  /** The child's pid (null if it could not be spawned). */
  readonly pid: number | null;
  constructor(message: string, output: string, pid: number | null) {
    super(message);
    this.name = 'ChildStartError';
    this.output = output;
    this.pid = pid;
  }
}

/** A user's command line, run by `/bin/sh -c` (pipes, `&`, variables work as in a terminal). */
export function shellCommand(commandLine: string): { command: string; args: string[] } {
  return { command: '/bin/sh', args: ['-c', commandLine] };
}

const STDERR_TAIL_CHARS = 4_000;
const LOG_TAIL_LINES = 20;
const POLL_MS = 25;

/**
 * Spawns a child, waits until it is ready (or fails: it exits, the readiness check throws, or the
 * timeout passes; then it is stopped and a ChildStartError says why, with its last output), and
 * ties its lifetime to this process as `lifetime` says.
 */
export async function startChild<T>(options: ChildOptions<T>): Promise<RunningChild<T>> {
  const group = options.lifetime === 'group';
  const graceMs = options.stopGraceMs ?? 5_000;
  const logFd = options.logFile === undefined ? undefined : openSync(options.logFile, 'a');
  let child: ChildProcess;
  try {
    child = spawn(options.command, [...(options.args ?? [])], {
      ...(options.cwd !== undefined ? { cwd: options.cwd } : {}),
      ...(options.env !== undefined ? { env: options.env } : {}),
      detached: group,
      stdio: [group ? 'ignore' : 'pipe', logFd ?? 'pipe', logFd ?? 'pipe'],
    });
  } catch (error) {
    throw new ChildStartError(`could not be started: ${messageOf(error)}`, '', null);
  } finally {
    if (logFd !== undefined) closeSync(logFd);
  }

  let stderrTail = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderrTail = (stderrTail + chunk.toString('utf8')).slice(-STDERR_TAIL_CHARS);
  });
  // A closed pipe while the child is going away is expected; it must not crash this process.
  child.stdin?.on('error', () => {});
  const output = () =>
    (options.logFile === undefined ? stderrTail : lastLines(options.logFile, LOG_TAIL_LINES)).trim();

  let spawnError: Error | undefined;
  let exit: ChildExit | undefined;
  const exited = new Promise<ChildExit>((resolve) => {
    child.once('exit', (code, signal) => {
      exit = { code, signal };
      resolve(exit);
    });
    child.once('error', (error) => {
      spawnError = error;
      if (child.pid === undefined) {
        exit = { code: null, signal: null };
        resolve(exit);
      }
    });
  });

  const pgid = child.pid;
  let reaper: Reaper | null = null;
  const killGroupOnExit = () => {
    if (pgid !== undefined) signalGroup(pgid, 'SIGKILL');
  };
  if (group && pgid !== undefined) {
    reaper = startReaper({ group: pgid }, graceMs);
    process.on('exit', killGroupOnExit);
    // A group that ended on its own needs no more watching: its id may be given to another group.
    void exited.then(() => {
      if (groupMembers(pgid).length > 0) return;
      reaper?.cancel();
      process.off('exit', killGroupOnExit);
    });
  }

  const stop = async (grace: number): Promise<void> => {
    if (group && pgid !== undefined) {
      reaper?.cancel();
      process.off('exit', killGroupOnExit);
      // The leader may be gone while processes it started live on: signal the group regardless.
      const gone = () => exit !== undefined && groupMembers(pgid).length === 0;
      signalGroup(pgid, 'SIGTERM');
      if (!(await until(gone, grace))) {
        signalGroup(pgid, 'SIGKILL');
        await until(gone, 2_000);
      }
      return;
    }
    if (exit !== undefined) return;
    child.stdin?.end();
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), grace);
    await exited;
    clearTimeout(timer);
  };

  const timeoutMs = options.readyTimeoutMs ?? 30_000;
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  let started = false;
  const readiness = options.readiness.wait(child, controller.signal);
  const failedExit = exited.then(async (status): Promise<never> => {
    if (spawnError)
      throw new ChildStartError(`could not be started: ${spawnError.message}`, output(), pgid ?? null);
    // Let the pipes deliver what it wrote before it went.
    if (!started) await Promise.race([once(child, 'close').catch(() => undefined), sleep(250)]);
    throw new ChildStartError(
      `exited (code ${status.code ?? status.signal}): ${output() || 'no message'}`,
      output(),
      pgid ?? null,
    );
  });
  const timedOut = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      const tail = output();
      const label = options.logFile === undefined ? 'its stderr' : 'its last output';
      const message = `${options.readiness.notReady} within ${timeoutMs / 1000} s${tail ? `; ${label}: ${tail}` : ''}`;
      reject(new ChildStartError(message, tail, pgid ?? null));
    }, timeoutMs);
  });
  // The losers of the race settle later (an exit long after the start): nobody waits for them.
  for (const loser of [readiness, failedExit, timedOut]) loser.catch(() => {});
  let ready: T;
  try {
    ready = await Promise.race([readiness, failedExit, timedOut]);
    started = true;
  } catch (error) {
    controller.abort(error);
    await stop(0);
    throw error instanceof ChildStartError
      ? error
      : new ChildStartError(messageOf(error), output(), pgid ?? null);
  } finally {
    clearTimeout(timer);
    controller.abort(new Error('start finished'));
  }

  let closing: Promise<void> | undefined;
  return {
    pid: child.pid ?? -1,
    ready,
    exited,
    get hasExited() {
      return exit !== undefined;
    },
    output,
    close() {
      closing ??= stop(graceMs);
      return closing;
    },
  };
}

/** Polls `condition` every POLL_MS for up to `ms`; whether it came true. */
async function until(condition: () => boolean, ms: number): Promise<boolean> {
  const deadline = performance.now() + ms;
  for (;;) {
    if (condition()) return true;
    if (performance.now() >= deadline) return false;
    await sleep(POLL_MS);
  }
}

/** The last `count` lines of a file (at most its last 16 KiB are read). */
function lastLines(path: string, count: number): string {
  let fd: number | undefined;
  try {
    fd = openSync(path, 'r');
    const size = fstatSync(fd).size;
    const length = Math.min(size, 16 * 1024);
    const buffer = Buffer.alloc(length);
    readSync(fd, buffer, 0, length, size - length);
    return buffer.toString('utf8').trimEnd().split('\n').slice(-count).join('\n');
  } catch {
    return '';
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
