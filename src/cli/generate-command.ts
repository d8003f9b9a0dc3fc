import type { Command } from 'commander';
import { lazyAction } from './lazy-action.ts';
import { parseNonEmpty, parseSeed, parseShard, parseWindow } from './parse-options.ts';

export function registerGenerate(program: Command): void {
  program
    .command('generate')
    .description('stream the call plans of a vertical at a stage as JSONL (deterministic for a seed)')
    .requiredOption('--vertical <name|file>', 'vertical: collections, appointments, claims, or a YAML file')
    .requiredOption('--stage <name|file>', 'stage: pilot, hardening, scale, or a YAML file')
    .option(
      '--window <window>',
      'month | week | peak-day | peak-hour | START/END (ISO 8601, exactly two instants that exist)',
      parseWindow,
      'month',
    )
    .option(
      '--seed <n>',
      'seed, a whole number 0–2^53: same scenario + seed gives byte-identical output',
      parseSeed,
      1,
    )
    .option(
      '--shard <k/n>',
      'only shard k of n, 1 ≤ k ≤ n ≤ 100,000 (disjoint parts whose union is the whole)',
      parseShard,
    )
    .option('--out <file>', 'write to a file instead of stdout', parseNonEmpty('--out', 'plans.jsonl'))
    .action(lazyAction(() => import('./actions/generate.ts')));
}
