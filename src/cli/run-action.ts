import { CallstormError, isCallstormError } from '../errors/callstorm-error.ts';
import { isBrokenPipe, stdoutClosed } from './broken-pipe.ts';

/**
 * Prints a failure as the CLI shows it and returns the exit code: a CallstormError as its message
 * and hint; anything else as an internal error (exit 70) with its message, and the stack only
 * under CALLSTORM_DEBUG.
 */
export function reportFailure(error: unknown): number {
  const known = isCallstormError(error)
    ? error
    : new CallstormError('CS_ERR_INTERNAL', {
        reason: error instanceof Error ? error.message : String(error),
      });
  process.stderr.write(`${known.format()}\n`);
  if (process.env.CALLSTORM_DEBUG && error instanceof Error) process.stderr.write(`${error.stack}\n`);
  return known.exitCode;
}

/**
 * Wraps a CLI action: its result is the exit code; a failure is printed by reportFailure. A reader
 * that closed stdout early (`| head`) ends the command quietly with 0, as in any Unix pipeline.
 */
export function runAction<A extends unknown[]>(
  action: (...args: A) => Promise<number | undefined> | number | undefined,
) {
  return async (...args: A): Promise<void> => {
    try {
      const code = await action(...args);
      process.exitCode = code ?? 0;
    } catch (error) {
      if (isBrokenPipe(error) && stdoutClosed()) {
        process.exitCode = 0;
        return;
      }
      process.exitCode = reportFailure(error);
    }
  };
}
