import { createWriteStream } from 'node:fs';
import { finished } from 'node:stream/promises';
import type { Command } from 'commander';
import { createCallGenerator, parseShard } from '../../simulators/callers/call-generator.ts';
import { writePlansJsonl } from '../../simulators/callers/write-plans-jsonl.ts';
import { loadScenario } from '../scenario/load-scenario.ts';
import { parseSeed } from './parse-options.ts';
import { runAction } from './run-action.ts';

interface GenerateOptions {
  vertical: string;
  stage: string;
  window: string;
  seed: string;
  shard?: string;
  out?: string;
}

export function registerGenerate(program: Command): void {
  program
    .command('generate')
    .description('stream the call plans of a vertical at a stage as JSONL (deterministic for a seed)')
    .requiredOption('--vertical <name|file>', 'vertical: collections, appointments, claims, or a YAML file')
    .requiredOption('--stage <name|file>', 'stage: pilot, hardening, scale, or a YAML file')
    .option('--window <window>', 'month | week | peak-day | peak-hour | START/END (ISO 8601)', 'month')
    .option('--seed <n>', 'seed: same scenario + seed gives byte-identical output', '1')
    .option('--shard <k/n>', 'only shard k of n (disjoint parts whose union is the whole)')
    .option('--out <file>', 'write to a file instead of stdout')
    .action(
      runAction(async (opts: GenerateOptions) => {
        const scenario = loadScenario({ vertical: opts.vertical, stage: opts.stage });
        const shard = opts.shard ? parseShard(opts.shard) : undefined;
        const generator = createCallGenerator(scenario, { seed: parseSeed(opts.seed), window: opts.window });
        const out = opts.out ? createWriteStream(opts.out) : process.stdout;
        const count = await writePlansJsonl(generator.plans(shard), out);
        if (opts.out) {
          out.end();
          await finished(out);
        }
        const w = generator.window;
        process.stderr.write(
          `${count} plans (${scenario.vertical.name} × ${scenario.stage.name}, window ${w.spec} ${new Date(w.startMs).toISOString()} → ${new Date(w.endMs).toISOString()}, expected ${w.expectedCalls.toFixed(1)}${shard ? `, shard ${shard.k}/${shard.n}` : ''})${opts.out ? ` → ${opts.out}` : ''}\n`,
        );
        return 0;
      }),
    );
}
