import type { Command } from 'commander';
import { lazyAction } from './lazy-action.ts';
import { collect, parseSeed, parseWindow } from './parse-options.ts';

export function registerInspect(program: Command): void {
  program
    .command('inspect')
    .description(
      'compare stages side by side: volume, peak rate, concurrency, cohort/flow/complexity mix, patience',
    )
    .requiredOption('--vertical <name|file>', 'vertical: collections, appointments, claims, or a YAML file')
    .option(
      '--stage <name|file>',
      'a stage to show (repeat: --stage pilot --stage scale; default pilot, hardening and scale)',
      collect,
      [] as string[],
    )
    .option('--window <window>', 'month | week | peak-day | peak-hour | START/END', parseWindow, 'month')
    .option('--seed <n>', 'seed for the sampled call lengths (0–2^53)', parseSeed, 1)
    .option('--json', 'print the profiles as JSON')
    .action(lazyAction(() => import('./actions/inspect.ts')));
}
