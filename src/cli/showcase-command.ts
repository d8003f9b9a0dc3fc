import type { Command } from 'commander';
import { lazyAction } from './lazy-action.ts';
import { parseNonEmpty } from './parse-options.ts';

/**
 * The pilot → scale distribution shift of one vertical, and the scale stage's peak hour written
 * as call plans (what `npm start` ran before the promotion review).
 */
export function registerShowcase(program: Command): void {
  program
    .command('showcase')
    .description('show the pilot → scale shift for a vertical and write the scale peak hour as plans')
    .option('--vertical <name>', 'vertical to show', 'collections')
    .option(
      '--out <dir>',
      'where to write the plans',
      parseNonEmpty('--out', 'reports/showcase'),
      'reports/showcase',
    )
    .action(lazyAction(() => import('./actions/showcase.ts')));
}
