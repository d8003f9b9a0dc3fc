import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { request } from 'undici';
import { z } from 'zod';
import { AGENT_PROFILES } from '../../agent/agent-config.ts';
import { CallstormError } from '../errors/callstorm-error.ts';
import { ChildStartError, type RunningChild, startChild } from '../process/child-process.ts';
import { readyLine } from '../process/child-readiness.ts';
import { agentTransports, transportKindFor } from './agent-transports.ts';
import { type ProcessHealthSource, processHealthAt } from './process-health-source.ts';

/** Where the agent's dependencies are (the simulators, or their Toxiproxy proxies). */
export interface DependencyUrls {
  readonly asr: string;
  readonly tts: string;
  readonly crm: string;
  /** LLM endpoints in order of preference, with the region each processes data in. */
  readonly llm: readonly { readonly name: string; readonly url: string; readonly region: string }[];
}

export interface AgentTargetContext {
  readonly dependencies: DependencyUrls;
  /** The run's folder (the reference agent keeps its dead-letter queue there). */
  readonly runDir: string;
}

/**
 * An agent under test, started (or reached) for one run: where it listens and, when callstorm
 * started it, its process. How to talk to it is the transport's business (`agent-transports.ts`,
 * chosen by the URL's scheme).
 */
export interface AgentTarget {
  readonly description: string;
  /** The agent's URL, for the transport (`http://127.0.0.1:PORT`). */
  readonly url: string;
  /** The reference agent's dead-letter queue, when callstorm started it (replayed at the end of a run). */
  readonly deadLetters?: { pending(): Promise<number>; replay(): Promise<number> };
  /** The agent process's own event-loop delay and CPU, when callstorm started it (harness health). */
  readonly health?: ProcessHealthSource;
  close(): Promise<void>;
}

type Starter = (argument: string, ctx: AgentTargetContext) => Promise<AgentTarget>;

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]', '::1']);

/**
 * The agent kinds `--agent` accepts, as a literal registry: a URL (`http://host:port`: an agent
 * you run, reached by the transport its scheme names) and `reference:<profile>` (callstorm's own
 * agent, started and wired to the run's simulators).
 */
export const agentTargets: Readonly<Record<string, { readonly usage: string; readonly start: Starter }>> = {
  url: {
    usage: Object.values(agentTransports)
      .map((t) => t.usage)
      .join('; '),
    async start(url) {
      let host: string;
      try {
        host = new URL(url).hostname;
      } catch {
        throw new CallstormError('CS_ERR_BAD_ARGUMENT', {
          option: '--agent',
          reason: `"${url}" is not a URL`,
          fix: 'write e.g. --agent http://127.0.0.1:8080',
        });
      }
      if (!LOOPBACK.has(host))
        throw new CallstormError('CS_ERR_NOT_LOOPBACK', { what: 'the agent under test', address: url });
      return { description: `agent at ${url}`, url, async close() {} };
    },
  },
  reference: {
    usage: `reference:${AGENT_PROFILES.join('|')} — callstorm's reference agent, wired to the run's simulators`,
    async start(profile, ctx) {
      if (!(AGENT_PROFILES as readonly string[]).includes(profile)) {
        throw new CallstormError('CS_ERR_UNKNOWN_NAME', {
          what: 'reference agent profile',
          name: profile,
          valid: AGENT_PROFILES.join(', '),
        });
      }
      return startReferenceAgentProcess(profile, ctx);
    },
  },
};

const BIN = fileURLToPath(new URL('../../bin/callstorm.js', import.meta.url));
const START_TIMEOUT_MS = 30_000;
/** What `callstorm agent` prints when it listens. */
const readyLineSchema = z.object({ agent: z.string().url() });

/**
 * The reference agent in a process of its own (`callstorm agent`), as an agent under test would
 * be: its CPU is not the driver's, so the driver's schedule lag measures the driver alone and the
 * two use both cores.
 */
async function startReferenceAgentProcess(profile: string, ctx: AgentTargetContext): Promise<AgentTarget> {
  const d = ctx.dependencies;
  const args = [
    BIN,
    'agent',
    '--profile',
    profile,
    '--asr-url',
    d.asr,
    '--tts-url',
    d.tts,
    '--crm-url',
    d.crm,
    ...d.llm.flatMap((e) => ['--llm', `${e.name}=${e.url}/v1@${e.region}`]),
    '--dlq',
    join(ctx.runDir, 'agent-dead-letters.jsonl'),
    '--exit-with-stdin',
  ];
  // The child's stdin is a pipe from this process: if this process dies, even by SIGKILL, the
  // pipe closes and the agent exits instead of outliving the run.
  let child: RunningChild<string>;
  try {
    child = await startChild({
      command: process.execPath,
      args,
      lifetime: 'stdin',
      readiness: readyLine((line) => readyLineSchema.parse(JSON.parse(line)).agent, 'printed no URL'),
      readyTimeoutMs: START_TIMEOUT_MS,
      stopGraceMs: 10_000,
    });
  } catch (error) {
    throw new CallstormError('CS_ERR_INTERNAL', {
      reason: `the reference agent did not start: ${error instanceof ChildStartError ? error.message : String(error)}`,
    });
  }
  const url = child.ready;
  const admin = async (method: 'GET' | 'POST', path: string): Promise<{ pending: number }> => {
    const res = await request(`${url}${path}`, { method });
    return (await res.body.json()) as { pending: number };
  };
  return {
    description: `reference agent (${profile}) at ${url}, pid ${child.pid}`,
    url,
    deadLetters: {
      pending: async () => (await admin('GET', '/__agent/dead-letters')).pending,
      replay: async () => (await admin('POST', '/__agent/dead-letters/replay')).pending,
    },
    health: processHealthAt(`${url}/__agent/process`),
    async close() {
      await child.close();
    },
  };
}

/** Starts the agent `--agent` names. */
export function startAgentTarget(spec: string, ctx: AgentTargetContext): Promise<AgentTarget> {
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(spec) && transportKindFor(spec))
    return agentTargets.url!.start(spec, ctx);
  const [kind, ...rest] = spec.split(':');
  const target = kind && kind !== 'url' && Object.hasOwn(agentTargets, kind) ? agentTargets[kind] : undefined;
  if (!target) {
    throw new CallstormError('CS_ERR_UNKNOWN_NAME', {
      what: 'agent',
      name: spec,
      valid: Object.values(agentTargets)
        .map((t) => t.usage)
        .join('; '),
    });
  }
  return target.start(rest.join(':'), ctx);
}
