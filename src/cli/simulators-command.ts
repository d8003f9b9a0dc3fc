import type { Command } from 'commander';
import { lazyAction } from './lazy-action.ts';
import {
  OPTION_BOUNDS,
  parseChoice,
  parseNumber,
  parsePort,
  parseSeed,
  parseWindow,
} from './parse-options.ts';

const parseWordErrorFactor = (text: string) =>
  parseNumber(
    '--asr-word-error-factor',
    text,
    OPTION_BOUNDS.asrWordErrorFactor,
    '0.5 (the default; 0 = no word errors)',
  );

export function registerSimulators(program: Command): void {
  program
    .command('simulators')
    .description(
      'run the ASR, TTS, CRM and LLM simulators for your own agent; prints their URLs as one JSON line',
    )
    .requiredOption('--vertical <name|file>', 'vertical the calls come from')
    .requiredOption('--stage <name|file>', 'stage the calls come from')
    .option(
      '--window <window>',
      'window the calls come from (as given to generate/run)',
      parseWindow,
      'month',
    )
    .option('--seed <n>', 'run seed (as given to generate/run)', parseSeed, 1)
    .option(
      '--latency <mode>',
      'realistic | zero',
      parseChoice('--latency', ['realistic', 'zero'] as const),
      'realistic',
    )
    .option(
      '--asr-word-error-factor <x>',
      'multiplies the ASR word-error rate, 0–10 (default 0.5; 0 = the ASR never mishears)',
      parseWordErrorFactor,
    )
    .option(
      '--simulators-port-base <n>',
      'fixed ports: asr N, tts N+1, crm N+2, llm-primary-eu N+3, llm-secondary-eu N+4, llm-us N+5, twilio N+6 (0 = free ports, the default)',
      parsePort('--simulators-port-base'),
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

With --simulators-port-base N the endpoints listen on N, N+1, … in the order above (a port in use
is refused with exit 2), so an agent's static configuration works run after run; docs/wiring.md.

Example:
  callstorm simulators --vertical collections --stage scale --window peak-hour --seed 42`,
    )
    .action(lazyAction(() => import('./actions/simulators.ts')));
}
