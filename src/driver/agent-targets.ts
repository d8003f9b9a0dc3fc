import { join } from 'node:path';
import { AGENT_PROFILES, type AgentProfileName } from '../../agent/agent-config.ts';
import { type RunningAgent, startAgent } from '../../agent/start-agent.ts';
import { CallstormError } from '../errors/callstorm-error.ts';
import type { AgentAdapter } from './agent-adapter.ts';
import { createHttpAgentAdapter } from './http-agent-adapter.ts';

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

/** An agent under test, started (or reached) for one run. */
export interface AgentTarget {
  readonly description: string;
  readonly adapter: AgentAdapter;
  /** The reference agent, when callstorm started it (dead-letter replay at the end of a run). */
  readonly reference?: RunningAgent;
  close(): Promise<void>;
}

type Starter = (argument: string, ctx: AgentTargetContext) => Promise<AgentTarget>;

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]', '::1']);

/**
 * The agent kinds `--agent` accepts, as a literal registry: `http://host:port` (any agent that
 * speaks the callstorm HTTP agent protocol v1) and `reference:<profile>` (callstorm's own agent,
 * started and wired to the run's simulators).
 */
export const agentTargets: Readonly<Record<string, { readonly usage: string; readonly start: Starter }>> = {
  http: {
    usage: 'http://127.0.0.1:PORT — your agent, speaking the callstorm HTTP agent protocol v1',
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
      const adapter = createHttpAgentAdapter({ url });
      return { description: `HTTP agent at ${url}`, adapter, close: () => adapter.close() };
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
      const { dependencies: d } = ctx;
      const agent = await startAgent({
        profile: profile as AgentProfileName,
        asrUrl: d.asr,
        ttsUrl: d.tts,
        crmUrl: d.crm,
        llm: d.llm.map((e) => ({ name: e.name, url: `${e.url}/v1`, region: e.region })),
        deadLetter: { path: join(ctx.runDir, 'agent-dead-letters.jsonl') },
      });
      const adapter = createHttpAgentAdapter({ url: agent.url });
      return {
        description: `reference agent (${profile}) at ${agent.url}`,
        adapter,
        reference: agent,
        async close() {
          await adapter.close();
          await agent.close();
        },
      };
    },
  },
};

/** Starts the agent `--agent` names. */
export function startAgentTarget(spec: string, ctx: AgentTargetContext): Promise<AgentTarget> {
  if (/^https?:\/\//.test(spec)) return agentTargets.http!.start(spec, ctx);
  const [kind, ...rest] = spec.split(':');
  const target = kind ? agentTargets[kind] : undefined;
  if (!target || kind === 'http') {
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
