import type { Command } from 'commander';
import { startSimulators } from '../../simulators/start-simulators.ts';
import { CallstormError } from '../errors/callstorm-error.ts';
import { loadScenario } from '../scenario/load-scenario.ts';
import { parseSeed } from './parse-options.ts';
import { runAction } from './run-action.ts';

interface SimulatorsOptions {
  vertical: string;
  stage: string;
  window: string;
  seed: string;
  latency: string;
}

export function registerSimulators(program: Command): void {
  program
    .command('simulators')
    .description(
      'run the ASR, TTS, CRM and LLM simulators for your own agent; prints their URLs as one JSON line',
    )
    .requiredOption('--vertical <name|file>', 'vertical the calls come from')
    .requiredOption('--stage <name|file>', 'stage the calls come from')
    .option('--window <window>', 'window the calls come from (as given to generate/run)', 'month')
    .option('--seed <n>', 'run seed (as given to generate/run)', '1')
    .option('--latency <mode>', 'realistic | zero', 'realistic')
    .action(
      runAction(async (opts: SimulatorsOptions) => {
        if (opts.latency !== 'realistic' && opts.latency !== 'zero') {
          throw new CallstormError('CS_ERR_BAD_ARGUMENT', {
            option: '--latency',
            reason: `"${opts.latency}"`,
            fix: 'use realistic or zero',
          });
        }
        const scenario = loadScenario({ vertical: opts.vertical, stage: opts.stage });
        const seed = parseSeed(opts.seed);
        const suite = await startSimulators({ scenario, seed, window: opts.window, latency: opts.latency });
        const line = {
          seed,
          vertical: scenario.vertical.name,
          stage: scenario.stage.name,
          window: opts.window,
          simulators: Object.fromEntries(
            suite.endpoints.map((e) => [
              e.name,
              {
                kind: e.kind,
                url: e.url,
                controlUrl: e.controlUrl,
                ...(e.region ? { region: e.region } : {}),
              },
            ]),
          ),
        };
        process.stdout.write(`${JSON.stringify(line)}\n`);
        await new Promise<void>((resolve) => {
          const stop = () => resolve();
          process.once('SIGINT', stop);
          process.once('SIGTERM', stop);
        });
        await suite.close();
        process.stderr.write('simulators stopped\n');
        return 0;
      }),
    );
}
