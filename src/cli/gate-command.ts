import type { Command } from 'commander';
import { lazyAction } from './lazy-action.ts';

export function registerGate(program: Command): void {
  program
    .command('gate')
    .description(
      "judge runs against a stage's gate (SLOs, drills, integrity): prints GO, NO-GO or INCONCLUSIVE and every reason",
    )
    .argument('<run-dirs...>', 'run folders written by `callstorm run`')
    .option(
      '--stage <name>',
      'stage whose gate applies: pilot, hardening, scale (scenarios/gates/<stage>.yaml)',
    )
    .option('--gate <name|file>', 'a Gate file instead of the stage default')
    .option('--prices <name|file>', 'price list for the cost model (scenarios/prices/)', 'uk-2026')
    .option('--json', 'print the gate result as JSON', false)
    .addHelpText(
      'after',
      '\nExit status: 0 GO, 1 NO-GO (a condition failed on valid evidence), 3 INCONCLUSIVE (the evidence cannot\n' +
        'judge the agent: an invalid, killed or harness-stopped run, too few calls for an SLO, a folder that fails\n' +
        'its checks, a required run missing), 2 bad input (no such run folder, bad gate file).\n' +
        'Example: callstorm gate --stage scale reports/run-baseline reports/run-llm-outage',
    )
    .action(lazyAction(() => import('./actions/gate.ts')));
}
