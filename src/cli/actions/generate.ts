import { createWriteStream } from 'node:fs';
import { finished } from 'node:stream/promises';
import { createCallGenerator } from '../../../simulators/callers/call-generator.ts';
import { writePlansJsonl } from '../../../simulators/callers/write-plans-jsonl.ts';
import { loadScenario } from '../../scenario/load-scenario.ts';
import type { GenerateOptions } from '../command-options.ts';

/** `callstorm generate`: a window's call plans as JSONL on stdout or into `--out`. */
export default async function generate(opts: GenerateOptions): Promise<number> {
  const scenario = loadScenario({ vertical: opts.vertical, stage: opts.stage });
  const shard = opts.shard;
  const generator = createCallGenerator(scenario, { seed: opts.seed, window: opts.window });
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
}
