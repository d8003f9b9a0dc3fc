import { join } from 'node:path';
import type { SimulatorEndpoints } from '../../simulators/simulator-endpoints.ts';
import type { DependencyUrls } from '../driver/agent-targets.ts';
import type { RunChaos } from '../driver/run-chaos.ts';
import type { RunRequest } from '../driver/run-request.ts';
import { drillVerdict } from '../slo/drill-verdict.ts';
import type { CallRecord } from '../telemetry/call-record.ts';
import { ChaosOrchestrator } from './chaos-orchestrator.ts';
import { type Drill, loadDrill } from './drill-schema.ts';
import { installRollbackGuard } from './rollback-guard.ts';
import type { ProvisionOptions } from './toxiproxy-provisioner.ts';

/**
 * A drill as `callstorm run` uses it: Toxiproxy (or emulation) in front of every simulator, the
 * fault timeline in scenario time, stop conditions fed from finished calls, and a rollback that
 * runs however the run ends — normally, on a second Ctrl-C, or on an uncaught error.
 */
export async function createRunChaos(options: {
  drill: Drill;
  runId: string;
  runDir: string;
  /** The run's simulators (in-process or in a child: chaos reaches them by URL only). */
  simulators: SimulatorEndpoints;
  seed: number;
  /** Where Toxiproxy comes from; default TOXIPROXY_URL, else `.tools/toxiproxy-server`, else emulated. */
  toxiproxy?: Omit<ProvisionOptions, 'seed'>;
  /** The proxies on fixed ports from this base, in the endpoints' order (`--simulators-port-base`). */
  portBase?: number | undefined;
}): Promise<RunChaos> {
  const { drill, simulators } = options;
  const chaos = await ChaosOrchestrator.create({
    runId: options.runId,
    drill,
    endpoints: simulators.endpoints,
    faultsLogPath: join(options.runDir, 'faults.jsonl'),
    toxiproxy: { ...options.toxiproxy, seed: options.seed },
    ...(options.portBase ? { proxyPortBase: options.portBase } : {}),
  });
  const guard = installRollbackGuard({
    rollback: () => chaos.finish(),
    leftovers: () => chaos.leftovers(),
    signals: 'second',
  });
  const abortListeners: ((reason: string) => void)[] = [];
  chaos.on('abort', (trigger) => {
    for (const listener of abortListeners) listener(trigger.reason);
  });
  const url = (name: string) =>
    chaos.endpointUrls[name] ?? simulators.endpoints.find((e) => e.name === name)!.url;
  const stale = chaos.staleProxiesRemoved;
  const detail =
    chaos.mode === 'toxiproxy'
      ? `Toxiproxy at ${chaos.toxiproxy.url} (${chaos.toxiproxy.reason})${stale.length ? `; deleted ${stale.length} proxies that killed runs had left: ${stale.join(', ')}` : ''}`
      : `emulated inside the simulators: ${chaos.toxiproxy.reason}${chaos.emulation.length ? `; ${chaos.emulation.map((e) => `${e.faultId}: ${e.note}`).join('; ')}` : ''}`;
  return {
    drill: drill.name,
    network: { mode: chaos.mode, detail },
    proxies: [...(chaos.proxies?.byEndpoint.values() ?? [])].map((p) => ({
      endpoint: p.endpoint,
      proxyName: p.proxyName,
      listen: p.listen,
      upstream: p.upstream,
      url: p.url,
    })),
    dependencyUrls(): DependencyUrls {
      return {
        asr: url('asr'),
        tts: url('tts'),
        crm: url('crm'),
        llm: Object.values(simulators.llm).map((e) => ({ name: e.name, url: url(e.name), region: e.region })),
      };
    },
    start: (clock) => chaos.start(clock),
    observe: (record: CallRecord) => chaos.observe(record),
    faultsDuring: (from, to) => chaos.faultIdsBetween(from, to),
    activeNow: () => chaos.activeFaultIds(),
    onAbort: (listener) => {
      abortListeners.push(listener);
    },
    async finish() {
      await guard.run();
      guard.dispose();
    },
    verdict: (records: readonly CallRecord[]) =>
      drillVerdict(drill, records, chaos.log, { runId: options.runId }),
    onFault: (listener) => {
      chaos.on('fault', listener);
    },
    applyLag: () => chaos.applyLag(),
  };
}

/**
 * The part of a run request that puts a run under a drill: its name (the run id), the drill as
 * loaded with the `--drill` name or path it came from (the manifest's evaluation context), and
 * the chaos factory. What `callstorm run --drill` and the review both pass to `executeRun`.
 */
export function drillRun(
  ref: string,
  seed: number,
): Required<Pick<RunRequest, 'drill' | 'drillSource' | 'chaos'>> {
  const drill = loadDrill(ref);
  return {
    drill: drill.name,
    drillSource: { ref, definition: drill },
    chaos: (ctx) => createRunChaos({ drill, seed, ...ctx }),
  };
}
