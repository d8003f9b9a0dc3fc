import type { AgentTransport, TransportContext } from './agent-transport.ts';
import { runCallerSession } from './caller-session.ts';
import { createHttpAgentAdapter, type HttpAgentAdapterOptions } from './http-agent-adapter.ts';

/**
 * The `http` transport: the callstorm HTTP agent protocol v1. The caller session plays each call
 * (a turn is one request and its JSON reply) over one keep-alive pool. The agent's `action` says
 * how each call ended, so the transport brings no evidence source of its own: the judge takes the
 * intents from the run's (the simulators'), never from the agent's telemetry alone.
 */
export function createHttpTransport(
  options: HttpAgentAdapterOptions,
  audio: Partial<Pick<TransportContext, 'callerAudio' | 'announce'>> = {},
): AgentTransport {
  const adapter = createHttpAgentAdapter(options);
  const voice = {
    ...(audio.callerAudio ? { callerAudio: audio.callerAudio } : {}),
    ...(audio.announce ? { announce: audio.announce } : {}),
  };
  return {
    kind: 'http',
    description: adapter.name,
    evidence: null,
    converse: (call) => runCallerSession({ ...call, ...voice, adapter }),
    close: () => adapter.close(),
  };
}
