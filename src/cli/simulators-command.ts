import type { Command } from 'commander';
import { CallstormError } from '../errors/callstorm-error.ts';
import { loadScenario } from '../scenario/load-scenario.ts';
import { simulatorsLine } from '../simulation/simulators-line.ts';
import { startSimulators } from '../simulation/start-simulators.ts';
import { parseSeed } from './parse-options.ts';
import { runAction } from './run-action.ts';
import { stopSignal } from './stop-signal.ts';

interface SimulatorsOptions {
  vertical: string;
  stage: string;
  window: string;
  seed: string;
  latency: string;
  asrWordErrorFactor?: string;
  exitWithStdin?: boolean;
}

function parseFactor(text: string): number {
  const n = Number(text);
  if (text.trim() === '' || !Number.isFinite(n) || n < 0) {
    throw new CallstormError('CS_ERR_BAD_ARGUMENT', {
      option: '--asr-word-error-factor',
      reason: `"${text}" is not a non-negative number`,
      fix: 'pass e.g. --asr-word-error-factor 0.5 (the default; 0 = no word errors)',
    });
  }
  return n;
}

export function registerSimulators(program: Command): void {
  program
    .command('simulators')
    .description(
      'run the ASR, TTS, CRM and LLM simulators for your own agent; prints their URLs as one JSON line',
    )
    .requiredOption('--vertical <name|file>', 'vertical the calls come from')
    .requiredOption('--stage <name|file>', 'stage the calls come from')
    .option('--window <window>', 'window the calls come from (as given to generate/run)', 'month')
    .option('--seed <n>', 'run seed (as given to generate/run)', '1')
    .option('--latency <mode>', 'realistic | zero', 'realistic')
    .option(
      '--asr-word-error-factor <x>',
      'multiplies the ASR word-error rate (default 0.5; 0 = the ASR never mishears)',
    )
    .option(
      '--exit-with-stdin',
      'stop when standard input closes, and leave SIGINT to the parent (how `callstorm run` ties its simulators to itself)',
    )
    .addHelpText(
      'after',
      `
Calls are recognised by id (cs-<seed>-<index>): the simulators regenerate each call's plan from
--vertical, --stage, --window and --seed, so give them the values the calls were generated with.

Every simulator has a control API at its controlUrl (loopback clients only): health, counters,
faults; the CRM's also has the write ledger and its reconciliation against the calls' plans:
  GET  <crm controlUrl>/ledger                  every accepted write
  POST <crm controlUrl>/ledger/reconcile-call   {"callId":"cs-42-7"} → that call's write totals
  POST <crm controlUrl>/ledger/reconcile        {"callIds":[…]} → totals, lost, duplicate, unexpected
See docs/simulators.md.

Example:
  callstorm simulators --vertical collections --stage scale --window peak-hour --seed 42`,
    )
    .action(
      runAction(async (opts: SimulatorsOptions) => {
        if (opts.latency !== 'realistic' && opts.latency !== 'zero') {
          throw new CallstormError('CS_ERR_BAD_ARGUMENT', {
            option: '--latency',
            reason: `"${opts.latency}"`,
            fix: 'use realistic or zero',
          });
        }
        const scenario = loadScenario({ vertical: opts.vertical, stage: opts.stage });
        const seed = parseSeed(opts.seed);
        const asrWordErrorFactor =
          opts.asrWordErrorFactor === undefined ? undefined : parseFactor(opts.asrWordErrorFactor);
        const suite = await startSimulators({
          scenario,
          seed,
          window: opts.window,
          latency: opts.latency,
          ...(asrWordErrorFactor !== undefined ? { asrWordErrorFactor } : {}),
        });
        const line = simulatorsLine(suite, {
          seed,
          vertical: scenario.vertical.name,
          stage: scenario.stage.name,
          window: opts.window,
        });
        const stopped = stopSignal({ exitWithStdin: opts.exitWithStdin });
        process.stdout.write(`${JSON.stringify(line)}\n`);
        await stopped;
        await suite.close();
        process.stderr.write('simulators stopped\n');
        return 0;
      }),
    );
}
