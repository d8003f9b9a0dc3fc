import type { Command } from 'commander';
import { ingestK6 } from '../export/k6/ingest-k6.ts';
import { parseSeed } from './parse-options.ts';
import { runAction } from './run-action.ts';

interface IngestK6Cli {
  out: string;
  from?: string;
  vertical?: string;
  stage?: string;
  seed: string;
  window: string;
}

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
    .requiredOption('--out <dir>', 'run folder to write (then `callstorm report` / `callstorm gate` it)')
    .option('--from <dir>', 'the `callstorm export k6` folder the runners ran (plans and scenario)')
    .option('--vertical <name|file>', 'without --from: the exported vertical')
    .option('--stage <name|file>', 'without --from: the exported stage')
    .option('--seed <n>', 'without --from: the exported seed', '1')
    .option('--window <window>', 'without --from: the exported window', 'peak-hour')
    .action(
      runAction((files: string[], opts: IngestK6Cli) => {
        const { manifest: m, dir } = ingestK6({
          files,
          out: opts.out,
          ...(opts.from ? { from: opts.from } : {}),
          ...(opts.vertical ? { vertical: opts.vertical } : {}),
          ...(opts.stage ? { stage: opts.stage } : {}),
          seed: parseSeed(opts.seed),
          window: opts.window,
        });
        const c = m.counts;
        process.stdout.write(
          `${m.status}${m.invalid ? ` (INVALID: ${m.invalid})` : ''}: ${c['call.finished'] ?? 0} calls from ${files.length} runner file(s) — resolved ${c['call.outcome.resolved'] ?? 0}, false containment ${c['call.outcome.false-containment'] ?? 0}, escalated ${c['call.outcome.escalated'] ?? 0}, abandoned ${c['call.outcome.abandoned'] ?? 0}, failed ${c['call.outcome.failed'] ?? 0}\n→ ${dir}\n`,
        );
        return 0;
      }),
    );
}
