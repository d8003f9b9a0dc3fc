import type { Command } from 'commander';
import { lazyAction } from './lazy-action.ts';
import { collect } from './parse-options.ts';

export function registerReport(program: Command): void {
  program
    .command('report')
    .description(
      "write a run's report: self-contained index.html, charts (SVG and PNG), summary.md, verdict.json, junit.xml",
    )
    .argument('<run-dir>', 'a run folder written by `callstorm run`')
    .option('--out <dir>', 'folder to write the report into (default: the run folder)')
    .option(
      '--stage-gate <stage|file>',
      "judge the run against a stage's gate (pilot, hardening, scale, or a Gate file): the report opens with GO / NO-GO / INCONCLUSIVE",
    )
    .option('--prices <name|file>', 'price list for the cost model (scenarios/prices/)', 'uk-2026')
    .addHelpText(
      'after',
      '\nExit status: 0 report written (with --stage-gate: and GO), 1 NO-GO, 3 INCONCLUSIVE (the evidence cannot\n' +
        'judge the agent: an invalid or cut-short run, too few calls), 2 bad input.\n' +
        'Example: callstorm report reports/collections-scale-peak-hour --stage-gate scale',
    )
    .action(lazyAction(() => import('./actions/report.ts')));

  program
    .command('compare')
    .description(
      'compare runs of several stages side by side (SLO adherence, distribution shift of pilot vs scale traffic) in one report',
    )
    .argument(
      '<run-dirs...>',
      'run folders written by `callstorm run` (e.g. a pilot, a hardening and a scale run)',
    )
    .requiredOption('--out <dir>', 'folder to write the comparison into')
    .option(
      '--stage-gate <stage|file>',
      'a gate to apply over all the runs (repeat for several stages: --stage-gate hardening --stage-gate scale)',
      collect,
      [] as string[],
    )
    .option('--prices <name|file>', 'price list for the cost model (scenarios/prices/)', 'uk-2026')
    .addHelpText(
      'after',
      '\nExit status: 0 report written (with --stage-gate: and every gate GO), 1 a gate said NO-GO, 3 none said\n' +
        'NO-GO but one was INCONCLUSIVE (the evidence cannot judge the agent), 2 bad input.\n' +
        'Example: callstorm compare reports/pilot-week reports/hardening-week reports/scale-peak-hour --out reports/compare --stage-gate scale',
    )
    .action(lazyAction(() => import('./actions/compare.ts')));
}
