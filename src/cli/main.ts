import { Command, CommanderError } from 'commander';
import { registerAgent } from './agent-command.ts';
import { toleratePipeClosing } from './broken-pipe.ts';
import { registerExport } from './export-command.ts';
import { registerGate } from './gate-command.ts';
import { registerGenerate } from './generate-command.ts';
import { registerIngest } from './ingest-command.ts';
import { registerInspect } from './inspect-command.ts';
import { registerReport } from './report-command.ts';
import { registerReview } from './review-command.ts';
import { registerRun } from './run-command.ts';
import { registerShowcase } from './showcase-command.ts';
import { registerSimulators } from './simulators-command.ts';
import { registerSpeak } from './speak-command.ts';
import { registerValidate } from './validate-command.ts';

export function buildProgram(): Command {
  const program = new Command('callstorm')
    .description('load and degradation drills for voice-AI agents: pilot → hardening → scale, go or no-go')
    .version('0.1.0')
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride();
  registerValidate(program);
  registerGenerate(program);
  registerInspect(program);
  registerRun(program);
  registerReport(program);
  registerGate(program);
  registerReview(program);
  registerSimulators(program);
  registerAgent(program);
  registerShowcase(program);
  registerExport(program);
  registerIngest(program);
  registerSpeak(program);
  return program;
}

toleratePipeClosing();
try {
  await buildProgram().parseAsync(process.argv);
} catch (error) {
  if (error instanceof CommanderError) {
    // Usage errors (unknown option, missing argument) exit 2 like every other bad input.
    process.exitCode = error.exitCode === 0 ? 0 : 2;
  } else {
    throw error;
  }
}
