import { loadScenario } from '../../scenario/load-scenario.ts';
import { simulatorsLine } from '../../simulation/simulators-line.ts';
import { simulatorEndpointNames, startSimulators } from '../../simulation/start-simulators.ts';
import { assertPortsFree, portsFrom } from '../../util/ports.ts';
import type { SimulatorsOptions } from '../command-options.ts';
import { stopSignal } from '../stop-signal.ts';

/** `callstorm simulators`: the suite on free (or fixed) loopback ports until SIGINT / SIGTERM (or stdin closes). */
export default async function simulators(opts: SimulatorsOptions): Promise<number> {
  const scenario = loadScenario({ vertical: opts.vertical, stage: opts.stage });
  const seed = opts.seed;
  const asrWordErrorFactor = opts.asrWordErrorFactor;
  const portBase = opts.simulatorsPortBase || undefined;
  if (portBase !== undefined) {
    const option = '--simulators-port-base';
    const claims = portsFrom(portBase, simulatorEndpointNames(), (n) => `the ${n} simulator`, option);
    await assertPortsFree('127.0.0.1', claims, option);
  }
  const suite = await startSimulators({
    scenario,
    seed,
    window: opts.window,
    latency: opts.latency,
    ...(asrWordErrorFactor !== undefined ? { asrWordErrorFactor } : {}),
    ...(portBase !== undefined ? { portBase } : {}),
  });
  const line = simulatorsLine(suite, {
    seed,
    vertical: scenario.vertical.name,
    stage: scenario.stage.name,
    window: opts.window,
  });
  const stopped = stopSignal({ exitWithStdin: opts.exitWithStdin });
  process.stdout.write(`${JSON.stringify(line)}\n`);
  await stopped;
  await suite.close();
  process.stderr.write('simulators stopped\n');
  return 0;
}
