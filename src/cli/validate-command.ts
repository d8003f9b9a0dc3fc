import type { Command } from 'commander';
import { lazyAction } from './lazy-action.ts';

export function registerValidate(program: Command): void {
  program
    .command('validate')
    .description(
      'check scenario files (vertical, stage, population, drill, OpenSLO, gate, price list, review) and the files they refer to; prints each problem by field path',
    )
    .argument('<files...>', 'YAML files to check')
    .addHelpText(
      'after',
      '\nA stage is checked with the population catalogue it names, a gate with its SLO set, a review plan with\n' +
        'its stages, drills and agents; a vertical and a stage given together are checked as the scenario they make.\n' +
        'Exit status: 0 every file is valid, 2 otherwise.',
    )
    .action(lazyAction(() => import('./actions/validate.ts')));
}
