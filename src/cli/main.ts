import { CommanderError } from 'commander';
import { toleratePipeClosing } from './broken-pipe.ts';
import { buildProgram } from './program.ts';
import { reportFailure } from './run-action.ts';

toleratePipeClosing();
try {
  await buildProgram().parseAsync(process.argv);
} catch (error) {
  if (error instanceof CommanderError) {
    // Usage errors (unknown option, missing argument) exit 2 like every other bad input.
    process.exitCode = error.exitCode === 0 ? 0 : 2;
  } else {
    // A bad option value (its parser threw a CallstormError) exits 2 with the option named.
    process.exitCode = reportFailure(error);
  }
}
