import type { Command } from 'commander';
import { lazyAction } from './lazy-action.ts';
import { parseNonEmpty, parseSeed, parseWindow } from './parse-options.ts';

export function registerIngest(program: Command): void {
  const group = program
    .command('ingest')
    .description("read another load tool's results back into a callstorm run");
  group
    .command('k6')
    .description(
      'rebuild calls.jsonl, merged HDR histograms and manifest.json from k6 `--out json` files (one per runner)',
    )
    .argument('<files...>', 'k6 NDJSON output files (.json or .json.gz)')
    .requiredOption(
      '--out <dir>',
      'run folder to write (then `callstorm report` / `callstorm gate` it)',
      parseNonEmpty('--out', 'reports/k6-run'),
    )
    .option('--from <dir>', 'the `callstorm export k6` folder the runners ran (plans and scenario)')
    .option('--vertical <name|file>', 'without --from: the exported vertical')
    .option('--stage <name|file>', 'without --from: the exported stage')
    .option('--seed <n>', 'without --from: the exported seed', parseSeed, 1)
    .option('--window <window>', 'without --from: the exported window', parseWindow, 'peak-hour')
    .action(lazyAction(() => import('./actions/ingest-k6.ts')));
}
