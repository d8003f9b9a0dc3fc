import { join } from 'node:path';
import { CallstormError } from '../errors/callstorm-error.ts';
import {
  type ChildExit,
  ChildStartError,
  type RunningChild,
  shellCommand,
  startChild,
} from '../process/child-process.ts';
import { acceptsConnections } from '../process/child-readiness.ts';
import type { SimulatorsLine } from '../simulation/simulators-line.ts';
import { freePort } from '../util/ports.ts';
import { agentAddress, fillPort, formatAddress, tryConnect } from './agent-address.ts';
import type { AgentTarget } from './agent-targets.ts';
import { writeWiringFile } from './run-wiring.ts';
import { wiringEnvironment } from './wiring-environment.ts';

/** The agent's stdout and stderr, appended, in the run folder. */
export const AGENT_LOG = 'agent.log';
/** The wiring file `CALLSTORM_WIRING` names, in the run folder. */
export const AGENT_WIRING_FILE = 'wiring.json';
/** How long `--agent-cmd` may take to accept connections (default of `--agent-ready-timeout`). */
export const DEFAULT_AGENT_READY_TIMEOUT_MS = 30_000;
/** Between SIGTERM to the agent's process group and SIGKILL. */
export const AGENT_STOP_GRACE_MS = 5_000;

export interface AgentCommandOptions {
  /** `--agent-cmd`: a shell command line, run by `/bin/sh -c` in `cwd`. */
  readonly command: string;
  /** `--agent`, where `{port}` stands for the port the run gives the agent (`$PORT`). */
  readonly agent: string;
  /** What the agent must use for its dependencies (the wiring file's content). */
  readonly wiring: SimulatorsLine;
  /** Holds agent.log and wiring.json. */
  readonly runDir: string;
  readonly readyTimeoutMs?: number | undefined;
  readonly cwd?: string | undefined;
  /** The environment the agent inherits (default this process's); the wiring variables override it. */
  readonly env?: NodeJS.ProcessEnv | undefined;
}

/** An agent the run started: its process, as the manifest records it. */
export interface AgentProcess extends AgentTarget {
  readonly command: string;
  readonly pid: number;
  /** The port given as `$PORT`. */
  readonly port: number;
  readonly readyMs: number;
  /** Resolves if the agent exits (on its own, or when closed). */
  readonly exited: Promise<ChildExit>;
  /** The last lines of agent.log. */
  output(): string;
}

const exitText = (e: ChildExit) => (e.signal ? `was killed by ${e.signal}` : `exited with code ${e.code}`);

/**
 * Starts the user's agent for a run, as Playwright's `webServer` starts the app under test: a
 * free loopback port becomes `$PORT` and fills `{port}` in `--agent`; the command runs through
 * `/bin/sh -c` in a process group of its own with the wiring in its environment
 * (`wiringEnvironment`, docs/wiring.md), stdout and stderr appended to agent.log; the run waits
 * until the agent's address accepts connections. `close()` sends the group SIGTERM, then SIGKILL
 * after AGENT_STOP_GRACE_MS; a reaper does the same if this process is killed.
 * A command that exits or never gets ready: CS_ERR_AGENT_START with its last output.
 */
export async function startAgentCommand(
  options: AgentCommandOptions,
  validate: (url: string) => Promise<AgentTarget>,
): Promise<AgentProcess> {
  const probe = agentAddress(fillPort(options.agent, 1));
  const bindHost = probe?.host === 'localhost' || !probe ? '127.0.0.1' : probe.host;
  const port = await freePort(bindHost);
  const url = fillPort(options.agent, port);
  // The URL is checked as `--agent` always is (a loopback host, a transport for its scheme).
  const target = await validate(url);
  const address = agentAddress(url);
  if (!address) {
    throw new CallstormError('CS_ERR_BAD_ARGUMENT', {
      option: '--agent',
      reason: `"${options.agent}" names no port to wait for`,
      fix: "write the agent's URL with its port, e.g. --agent 'http://127.0.0.1:{port}'",
    });
  }
  // As Playwright's webServer does: an address already taken would be driven instead of the command.
  if ((await tryConnect(address.host, address.port, 1_000)) === null) {
    throw new CallstormError('CS_ERR_AGENT_START', {
      command: options.command,
      reason: `was not started: something already accepts connections on ${formatAddress(address)}, and the run would drive that instead`,
      output: '(not started)',
      log: join(options.runDir, AGENT_LOG),
      address: formatAddress(address),
    });
  }
  const wiringFile = join(options.runDir, AGENT_WIRING_FILE);
  writeWiringFile(wiringFile, options.wiring, '--agent-cmd');
  const log = join(options.runDir, AGENT_LOG);
  const readyTimeoutMs = options.readyTimeoutMs ?? DEFAULT_AGENT_READY_TIMEOUT_MS;
  const started = performance.now();
  const { command, args } = shellCommand(options.command);
  const failed = (reason: string, output: string) =>
    new CallstormError('CS_ERR_AGENT_START', {
      command: options.command,
      reason,
      output: output || '(no output)',
      log,
      address: formatAddress(address),
    });
  let child: RunningChild<void>;
  try {
    child = await startChild({
      command,
      args,
      ...(options.cwd !== undefined ? { cwd: options.cwd } : {}),
      env: { ...(options.env ?? process.env), ...wiringEnvironment(options.wiring, wiringFile, port) },
      lifetime: 'group',
      readiness: acceptsConnections(address.port, address.host),
      readyTimeoutMs,
      stopGraceMs: AGENT_STOP_GRACE_MS,
      logFile: log,
    });
  } catch (error) {
    if (!(error instanceof ChildStartError)) throw error;
    const exited = /^exited \(code ([^)]+)\)/.exec(error.message);
    const reason = exited
      ? `${/^\d+$/.test(exited[1]!) ? `exited with code ${exited[1]}` : `was killed by ${exited[1]}`} before ${formatAddress(address)} accepted a connection`
      : /^accepted no connection/.test(error.message)
        ? `did not accept a connection on ${formatAddress(address)} within ${readyTimeoutMs / 1000} s (it was stopped)`
        : error.message;
    throw failed(reason, error.output);
  }
  const readyMs = Math.round(performance.now() - started);
  return {
    ...target,
    description: `agent \`${options.command}\` at ${url}, pid ${child.pid}`,
    url,
    command: options.command,
    pid: child.pid,
    port,
    readyMs,
    exited: child.exited,
    output: () => child.output(),
    close: () => child.close(),
  };
}

/** How an agent that exited during a run went, with its last output, for the run's reason. */
export function agentExitReason(agent: AgentProcess, exit: ChildExit): string {
  const tail = agent.output().split('\n').slice(-5).join('\n');
  return `the agent (\`${agent.command}\`, pid ${agent.pid}) ${exitText(exit)} during the run; its last output (${AGENT_LOG}):\n${tail || '(no output)'}`;
}
