import { startSimulators } from '../../../simulators/start-simulators.ts';
import { loadScenario } from '../../scenario/load-scenario.ts';
import type { SimulatorsOptions } from '../simulators-command.ts';
import { stopSignal } from '../stop-signal.ts';

/** `callstorm simulators`: the suite on free loopback ports until SIGINT / SIGTERM (or stdin closes). */
export default async function simulators(opts: SimulatorsOptions): Promise<number> {
  const scenario = loadScenario({ vertical: opts.vertical, stage: opts.stage });
  const seed = opts.seed;
  const asrWordErrorFactor = opts.asrWordErrorFactor;
  const suite = await startSimulators({
    scenario,
    seed,
    window: opts.window,
    latency: opts.latency,
    ...(asrWordErrorFactor !== undefined ? { asrWordErrorFactor } : {}),
  });
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
  const stopped = stopSignal({ exitWithStdin: opts.exitWithStdin });
  process.stdout.write(`${JSON.stringify(line)}\n`);
  await stopped;
  await suite.close();
  process.stderr.write('simulators stopped\n');
  return 0;
}
