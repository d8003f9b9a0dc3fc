import type { Command } from 'commander';
import { lazyAction } from './lazy-action.ts';
import {
  OPTION_BOUNDS,
  parseInteger,
  parseNonEmpty,
  parseSeed,
  parseSpeed,
  parseWindow,
} from './parse-options.ts';

const parseParallelism = (text: string) =>
  parseInteger('--parallelism', text, OPTION_BOUNDS.parallelism, '4');

export function registerExport(program: Command): void {
  const group = program.command('export').description('export a scenario to another load tool');
  group
    .command('k6')
    .description(
      "write a k6 TypeScript script, its sharded call plans, thresholds from the stage's SLOs and a k6-operator TestRun",
    )
    .requiredOption('--vertical <name|file>', 'vertical: collections, appointments, claims, or a YAML file')
    .requiredOption('--stage <name|file>', 'stage: pilot, hardening, scale, or a YAML file')
    .requiredOption(
      '--out <dir>',
      'folder to write script.ts, plans/, testrun.yaml into',
      parseNonEmpty('--out', 'reports/k6'),
    )
    .option('--window <window>', 'month | week | peak-day | peak-hour | START/END', parseWindow, 'peak-hour')
    .option('--seed <n>', 'seed of the calls (0–2^53)', parseSeed, 1)
    .option('--speed <factor>', 'scenario time ÷ wall time, 0.1–10,000', parseSpeed, 1)
    .option(
      '--drill <name|file>',
      'drill whose stop conditions become abortOnFail thresholds',
      parseNonEmpty('--drill', 'llm-regional-outage'),
    )
    .option('--parallelism <n>', 'k6 runners (execution segments, plan shards), 1–1,000', parseParallelism, 1)
    .option('--agent-url <url>', 'agent base URL written into the TestRun', 'http://agent:8080')
    .action(lazyAction(() => import('./actions/export-k6.ts')));
}
