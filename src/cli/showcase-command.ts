import { createWriteStream, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { finished } from 'node:stream/promises';
import type { Command } from 'commander';
import { createCallGenerator } from '../../simulators/callers/call-generator.ts';
import { trafficProfile } from '../../simulators/callers/traffic-profile.ts';
import { writePlansJsonl } from '../../simulators/callers/write-plans-jsonl.ts';
import { loadScenario } from '../scenario/load-scenario.ts';
import { formatProfiles } from './inspect-command.ts';
import { runAction } from './run-action.ts';

/**
 * What `npm start` runs until the full promotion review lands: the pilot → scale distribution
 * shift of one vertical, and the scale stage's peak hour written as call plans.
 */
export function registerShowcase(program: Command): void {
  program
    .command('showcase')
    .description('show the pilot → scale shift for a vertical and write the scale peak hour as plans')
    .option('--vertical <name>', 'vertical to show', 'collections')
    .option('--out <dir>', 'where to write the plans', 'reports/showcase')
    .action(
      runAction(async (opts: { vertical: string; out: string }) => {
        const stages = ['pilot', 'hardening', 'scale'];
        const profiles = stages.map((stage) =>
          trafficProfile(loadScenario({ vertical: opts.vertical, stage }), 'month'),
        );
        process.stdout.write(
          `callstorm — ${opts.vertical}: the same agent, three stages of traffic (month of March 2026)\n\n`,
        );
        process.stdout.write(formatProfiles(profiles));
        mkdirSync(opts.out, { recursive: true });
        for (const stage of stages) {
          const generator = createCallGenerator(loadScenario({ vertical: opts.vertical, stage }), {
            seed: 1,
            window: 'peak-hour',
          });
          const file = join(opts.out, `${stage}-peak-hour.jsonl`);
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
      }),
    );
}
