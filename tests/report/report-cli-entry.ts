// A callstorm program with only the report and compare commands, for tests until main.ts wires them in.
import { Command, CommanderError } from 'commander';
import { registerReport } from '../../src/cli/report-command.ts';

const program = new Command('callstorm').exitOverride();
registerReport(program);
try {
  await program.parseAsync(process.argv);
} catch (error) {
  if (!(error instanceof CommanderError)) throw error;
  process.exitCode = error.exitCode === 0 ? 0 : 2;
}
