import { createWriteStream } from 'node:fs';
import { join } from 'node:path';
import { finished } from 'node:stream/promises';
import { createCallGenerator } from '../../../simulators/callers/call-generator.ts';
import { trafficProfile } from '../../../simulators/callers/traffic-profile.ts';
import { writePlansJsonl } from '../../../simulators/callers/write-plans-jsonl.ts';
import { loadScenario } from '../../scenario/load-scenario.ts';
import { prepareOutputFolder } from '../../util/output-location.ts';
import type { ShowcaseOptions } from '../command-options.ts';
import { formatProfiles } from './inspect.ts';

/** `callstorm showcase`: the three stages' profiles, and each stage's peak hour as plans. */
export default async function showcase(opts: ShowcaseOptions): Promise<number> {
  const dir = prepareOutputFolder(opts.out, { option: '--out', what: 'the showcase plans' });
  const stages = ['pilot', 'hardening', 'scale'];
  const profiles = stages.map((stage) =>
    trafficProfile(loadScenario({ vertical: opts.vertical, stage }), 'month'),
  );
  process.stdout.write(
    `callstorm — ${opts.vertical}: the same agent, three stages of traffic (month of March 2026)\n\n`,
  );
  process.stdout.write(formatProfiles(profiles));
  for (const stage of stages) {
    const generator = createCallGenerator(loadScenario({ vertical: opts.vertical, stage }), {
      seed: 1,
      window: 'peak-hour',
    });
    const file = join(dir, `${stage}-peak-hour.jsonl`);
    const out = createWriteStream(file);
    const count = await writePlansJsonl(generator.plans(), out);
    out.end();
    await finished(out);
    process.stdout.write(
      `\n${stage}: ${count} calls in the peak hour (${new Date(generator.window.startMs).toISOString()}) → ${file}`,
    );
  }
  process.stdout.write('\n');
  return 0;
}
