import { createWriteStream, openSync, type WriteStream } from 'node:fs';
import { finished } from 'node:stream/promises';
import { createCallGenerator } from '../../../simulators/callers/call-generator.ts';
import { writePlansJsonl } from '../../../simulators/callers/write-plans-jsonl.ts';
import { loadScenario } from '../../scenario/load-scenario.ts';
import { isOutputError, outputWriteError, prepareOutputFile } from '../../util/output-location.ts';
import type { GenerateOptions } from '../command-options.ts';

/** `--out`, checked before any plan is made and opened at once, so a refusal is an error here, not a stream event. */
function openOut(path: string): { path: string; stream: WriteStream } {
  const use = { option: '--out', what: 'the plans' };
  const abs = prepareOutputFile(path, use);
  let fd: number;
  try {
    fd = openSync(abs, 'w');
  } catch (error) {
    throw outputWriteError('the plans', abs, error, 'Nothing was written.');
  }
  return { path: abs, stream: createWriteStream('', { fd }) };
}

/** `callstorm generate`: a window's call plans as JSONL on stdout or into `--out`. */
export default async function generate(opts: GenerateOptions): Promise<number> {
  const scenario = loadScenario({ vertical: opts.vertical, stage: opts.stage });
  const shard = opts.shard;
  const generator = createCallGenerator(scenario, { seed: opts.seed, window: opts.window });
  const file = opts.out ? openOut(opts.out) : null;
  const out = file?.stream ?? process.stdout;
  let count: number;
  try {
    count = await writePlansJsonl(generator.plans(shard), out);
    if (file) {
      out.end();
      await finished(out);
    }
  } catch (error) {
    if (file && isOutputError(error)) {
      file.stream.destroy();
      throw outputWriteError(
        'the plans',
        file.path,
        error,
        'The file holds only the plans written before; delete it.',
      );
    }
    throw error;
  }
  const w = generator.window;
  process.stderr.write(
    `${count} plans (${scenario.vertical.name} × ${scenario.stage.name}, window ${w.spec} ${new Date(w.startMs).toISOString()} → ${new Date(w.endMs).toISOString()}, expected ${w.expectedCalls.toFixed(1)}${shard ? `, shard ${shard.k}/${shard.n}` : ''})${opts.out ? ` → ${opts.out}` : ''}\n`,
  );
  return 0;
}
