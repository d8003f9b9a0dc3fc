import { CallstormError, isCallstormError } from '../errors/callstorm-error.ts';

export interface RollbackGuardOptions {
  /** The clean-up: idempotent (e.g. `() => orchestrator.finish()`). */
  readonly rollback: () => Promise<unknown>;
  /** What may be left if the rollback gives up (e.g. `() => orchestrator.leftovers()`). */
  readonly leftovers?: () => readonly string[];
  /** Bound on the whole rollback (ms, default 5000). */
  readonly timeoutMs?: number;
  /** Where messages go (default stderr). */
  readonly write?: (text: string) => void;
  /** Default `process.exit`; tests replace it. */
  readonly exit?: (code: number) => void;
  /**
   * `exit` (default): a SIGINT/SIGTERM rolls back and exits. `second`: the first signal is left to
   * the caller's own graceful stop (which rolls back in its `finally`); a second one rolls back and
   * exits at once.
   */
  readonly signals?: 'exit' | 'second';
}

export interface RollbackGuard {
  /** Runs the rollback once (normal end); later calls return the same promise. True when it completed in time. */
  run(): Promise<boolean>;
  /** Removes the process handlers (after `run()` on normal end). */
  dispose(): void;
}

const SIGNAL_EXIT = { SIGINT: 130, SIGTERM: 143 } as const;

/**
 * "No toxic outlives the run": runs the rollback on normal end (`run()`, and `beforeExit` as a
 * net), on SIGINT/SIGTERM (then exits 130/143) and on an uncaught exception or unhandled
 * rejection (then exits 1, or a CallstormError's own exit code). Bounded: a rollback that cannot
 * reach Toxiproxy or a simulator gives up after `timeoutMs` and says what may be left. A second
 * signal while rolling back exits at once.
 */
export function installRollbackGuard(options: RollbackGuardOptions): RollbackGuard {
  const timeoutMs = options.timeoutMs ?? 5000;
  const write = options.write ?? ((text: string) => process.stderr.write(text));
  const exit = options.exit ?? ((code: number) => process.exit(code));
  let running: Promise<boolean> | null = null;
  let exiting = false;

  const run = (): Promise<boolean> => {
    running ??= (async () => {
      let timer: NodeJS.Timeout | undefined;
      const timedOut = new Promise<'timeout'>((resolve) => {
        timer = setTimeout(() => resolve('timeout'), timeoutMs);
      });
      try {
        const outcome = await Promise.race([options.rollback().then((report) => ({ report })), timedOut]);
        if (outcome === 'timeout') {
          const left = options.leftovers?.() ?? [];
          const error = new CallstormError('CS_ERR_ROLLBACK_INCOMPLETE', {
            ms: timeoutMs,
            reason: 'Toxiproxy or a simulator did not answer in time',
            leftovers: left.length > 0 ? left.join(', ') : 'nothing known',
          });
          write(`${error.format()}\n`);
          return false;
        }
        const incomplete = outcome.report as
          | { complete?: boolean; leftovers?: readonly string[] }
          | undefined;
        if (incomplete && incomplete.complete === false) {
          const error = new CallstormError('CS_ERR_ROLLBACK_INCOMPLETE', {
            ms: timeoutMs,
            reason: 'some clean-up requests failed',
            leftovers: (incomplete.leftovers ?? []).join(', ') || 'nothing known',
          });
          write(`${error.format()}\n`);
          return false;
        }
        return true;
      } catch (error) {
        write(`callstorm: rollback failed: ${error instanceof Error ? error.message : String(error)}\n`);
        return false;
      } finally {
        clearTimeout(timer);
      }
    })();
    return running;
  };

  const exitAfterRollback = (code: number) => {
    if (exiting) {
      exit(code);
      return;
    }
    exiting = true;
    void run().finally(() => exit(code));
  };

  let signalsSeen = 0;
  const onSignal = (signal: NodeJS.Signals) => {
    signalsSeen++;
    if (options.signals === 'second' && signalsSeen === 1) return;
    if (!exiting) write(`callstorm: ${signal}: rolling back faults (at most ${timeoutMs / 1000}s)…\n`);
    exitAfterRollback(SIGNAL_EXIT[signal as keyof typeof SIGNAL_EXIT] ?? 1);
  };
  const onCrash = (error: unknown) => {
    if (isCallstormError(error)) write(`${error.format()}\n`);
    else
      write(
        `callstorm: uncaught error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
      );
    write('callstorm: rolling back faults…\n');
    exitAfterRollback(isCallstormError(error) ? error.exitCode : 1);
  };
  const onBeforeExit = () => {
    if (!running) void run();
  };

  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  process.on('uncaughtException', onCrash);
  process.on('unhandledRejection', onCrash);
  process.on('beforeExit', onBeforeExit);

  return {
    run,
    dispose() {
      process.removeListener('SIGINT', onSignal);
      process.removeListener('SIGTERM', onSignal);
      process.removeListener('uncaughtException', onCrash);
      process.removeListener('unhandledRejection', onCrash);
      process.removeListener('beforeExit', onBeforeExit);
    },
  };
}
