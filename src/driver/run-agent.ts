import { resolve } from 'node:path';
import type { SimulatorsLine } from '../simulation/simulators-line.ts';
import { checkAgentAnswers } from './agent-preflight.ts';
import {
  AGENT_LOG,
  type AgentProcess,
  agentExitReason,
  DEFAULT_AGENT_READY_TIMEOUT_MS,
  startAgentCommand,
} from './agent-process.ts';
import { type AgentTarget, startAgentTarget } from './agent-targets.ts';
import type { RunChaos } from './run-chaos.ts';
import type { RunManifestWriter } from './run-manifest-writer.ts';
import type { RunPlan } from './run-plan.ts';
import type { RunSession } from './run-session.ts';
import type { RunSimulators } from './run-simulators.ts';
import { requireProxiesForFixedPorts, runWiring, wiringRecord, writeWiringFile } from './run-wiring.ts';

/** The agent of a run, and the wiring it was given. */
export interface RunAgent {
  readonly target: AgentTarget;
  readonly wiring: SimulatorsLine;
}

/**
 * Wires and starts a run's agent once its dependencies listen: the wiring (the simulators, or
 * their Toxiproxy proxies) goes into the manifest and `--wiring-out`; the agent is started —
 * `--agent-cmd` with the wiring in its environment, the reference agent, or an agent you run —
 * and adopted by the session; then the pre-flight check: the agent must accept a connection
 * before the first call (CS_ERR_AGENT_UNREACHABLE; with `--wiring-out` and no `--agent-cmd`, within
 * the ready timeout, so an agent started once the file appears has time to listen). An `--agent-cmd` agent that exits during the
 * run fails the run with its last output.
 */
export async function startRunAgent(
  session: RunSession,
  plan: RunPlan,
  manifest: RunManifestWriter,
  simulators: RunSimulators,
  chaos: RunChaos,
): Promise<RunAgent> {
  const { request: r, dir, scenario } = plan;
  requireProxiesForFixedPorts(r, chaos);
  const wiring = runWiring(simulators, chaos, scenario, r);
  manifest.setWiring(wiringRecord(wiring, chaos, r));
  if (r.wiringOut) writeWiringFile(resolve(r.wiringOut), wiring);
  const ctx = { dependencies: chaos.dependencyUrls(simulators), runDir: dir };
  let target: AgentTarget;
  if (r.agentCmd) {
    const started: AgentProcess = session.adopt(
      'agent',
      await startAgentCommand(
        {
          command: r.agentCmd,
          agent: r.agent,
          wiring,
          runDir: dir,
          readyTimeoutMs: r.agentReadyTimeoutMs,
        },
        (url) => startAgentTarget(url, ctx),
      ),
      (a) => a.close(),
    );
    manifest.setWiring({
      agent: {
        command: started.command,
        pid: started.pid,
        port: started.port,
        url: started.url,
        log: AGENT_LOG,
        readyMs: started.readyMs,
      },
    });
    // Stopping a run that has ended (or is ending) is a no-op: only an exit mid-run fails it.
    void started.exited.then((exit) => session.stop('failed', agentExitReason(started, exit)));
    target = started;
  } else {
    target = session.adopt('agent', await startAgentTarget(r.agent, ctx), (a) => a.close());
  }
  // An agent started by hand after --wiring-out appeared gets as long to listen as --agent-cmd's.
  const waitMs = r.wiringOut && !r.agentCmd ? (r.agentReadyTimeoutMs ?? DEFAULT_AGENT_READY_TIMEOUT_MS) : 0;
  await checkAgentAnswers(target.url, { waitMs, signal: session.signal });
  return { target, wiring };
}
