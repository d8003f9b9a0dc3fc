import { Command } from 'commander';
import { registerAgent } from './agent-command.ts';
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
import { registerTools } from './tools-command.ts';
import { registerValidate } from './validate-command.ts';

/**
 * The commands, in the order `callstorm --help` lists them. Registering a command is one line
 * here: its `src/cli/<name>-command.ts` declares it (name, description, options with their
 * parsers from parse-options.ts, help text) with cheap imports only, and hands the work to
 * `lazyAction(() => import('./actions/<name>.ts'))`, loaded only when the command runs. That is
 * what keeps `callstorm --version`, `--help` and every command's start fast: see lazy-action.ts.
 */
const COMMANDS: readonly ((program: Command) => void)[] = [
  registerValidate,
  registerGenerate,
  registerInspect,
  registerRun,
  registerReport, // report and compare
  registerGate,
  registerReview,
  registerSimulators,
  registerAgent,
  registerShowcase,
  registerExport,
  registerIngest,
  registerTools,
  registerSpeak,
];

export const CALLSTORM_VERSION = '0.1.0';

export function buildProgram(): Command {
  const program = new Command('callstorm')
    .description('load and degradation drills for voice-AI agents: pilot → hardening → scale, go or no-go')
    .version(CALLSTORM_VERSION)
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride();
  for (const register of COMMANDS) register(program);
  return program;
}
