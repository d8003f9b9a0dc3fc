// A callstorm program with only the gate command, for tests until main.ts wires it in.
import { Command, CommanderError } from 'commander';
import { registerGate } from '../../src/cli/gate-command.ts';

const program = new Command('callstorm').exitOverride();
registerGate(program);
try {
  await program.parseAsync(process.argv);
} catch (error) {
  if (!(error instanceof CommanderError)) throw error;
  process.exitCode = error.exitCode === 0 ? 0 : 2;
}
