import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { SimulatorEndpoints } from '../../simulators/simulator-endpoints.ts';
import { CallstormError } from '../errors/callstorm-error.ts';
import type { Scenario } from '../scenario/compose-scenario.ts';
import { type SimulatorsLine, simulatorsLine } from '../simulation/simulators-line.ts';
import { simulatorEndpointNames } from '../simulation/start-simulators.ts';
import type { RunWiringRecord } from '../telemetry/run-manifest.ts';
import { assertPortsFree, portsFrom } from '../util/ports.ts';
import type { RunChaos } from './run-chaos.ts';
import type { RunRequest } from './run-request.ts';

const PORT_BASE_OPTION = '--simulators-port-base';

/**
 * Refuses, before anything starts, fixed ports (`simulatorsPortBase`) that are taken: the
 * simulators' ports, or with a drill their Toxiproxy proxies' (CS_ERR_PORT_IN_USE, exit 2).
 */
export async function checkFixedPorts(request: RunRequest): Promise<void> {
  const base = request.simulatorsPortBase;
  if (!base) return;
  const what = request.chaos
    ? (name: string) => `the Toxiproxy proxy of the ${name} simulator`
    : (name: string) => `the ${name} simulator`;
  await assertPortsFree(
    '127.0.0.1',
    portsFrom(base, simulatorEndpointNames(), what, PORT_BASE_OPTION),
    PORT_BASE_OPTION,
  );
}

/**
 * With a drill, fixed ports are the proxies': without a Toxiproxy there are none, and the
 * simulators already listen on free ports. Say so instead of wiring the agent somewhere else.
 */
export function requireProxiesForFixedPorts(request: RunRequest, chaos: RunChaos): void {
  if (!request.simulatorsPortBase || !request.chaos || chaos.proxies.length > 0) return;
  throw new CallstormError('CS_ERR_BAD_ARGUMENT', {
    option: PORT_BASE_OPTION,
    reason: `with a drill the fixed ports are the Toxiproxy proxies' (the agent's traffic must pass through them), and this run has no Toxiproxy (${chaos.network.detail})`,
    fix: 'install Toxiproxy (`npm run setup:toxiproxy`) or set TOXIPROXY_URL; or run without the fixed ports and read the wiring from --wiring-out',
  });
}

/**
 * The wiring of a run: the line `callstorm simulators` prints, with each endpoint's URL replaced by
 * what the agent must use — its Toxiproxy proxy when network faults are real, else the simulator.
 * Control URLs stay the simulators' own (faults are for the agent's traffic, not the harness's).
 */
export function runWiring(
  simulators: SimulatorEndpoints,
  chaos: RunChaos,
  scenario: Scenario,
  request: RunRequest,
): SimulatorsLine {
  const proxied = new Map(chaos.proxies.map((p) => [p.endpoint, p.url]));
  return simulatorsLine(
    {
      ...simulators,
      endpoints: simulators.endpoints.map((e) => ({ ...e, url: proxied.get(e.name) ?? e.url })),
    },
    {
      seed: request.seed,
      vertical: scenario.vertical.name,
      stage: scenario.stage.name,
      window: request.window,
    },
  );
}

/** The manifest's record of a wiring (the agent and the check are added as they happen). */
export function wiringRecord(line: SimulatorsLine, chaos: RunChaos, request: RunRequest): RunWiringRecord {
  return {
    simulators: line.simulators,
    proxies: chaos.proxies.map(({ endpoint, proxyName, listen, upstream }) => ({
      endpoint,
      proxyName,
      listen,
      upstream,
    })),
    portBase: request.simulatorsPortBase || null,
    file: request.wiringOut ? resolve(request.wiringOut) : null,
    agent: null,
    check: null,
  };
}

/**
 * Writes the wiring as one JSON line (the same bytes `callstorm simulators` prints), through a
 * temporary file and a rename, so an agent waiting for the file never reads half of it.
 */
export function writeWiringFile(path: string, line: SimulatorsLine, option = '--wiring-out'): void {
  const tmp = `${path}.tmp-${process.pid}`;
  try {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(tmp, `${JSON.stringify(line)}\n`);
    renameSync(tmp, path);
  } catch (error) {
    throw new CallstormError('CS_ERR_BAD_ARGUMENT', {
      option,
      reason: `cannot write ${path}: ${(error as Error).message}`,
      fix: 'choose a file in a folder you can write to',
    });
  }
}
