import type { AgentTransport } from './agent-transport.ts';
import { runCallerSession } from './caller-session.ts';
import { createHttpAgentAdapter, type HttpAgentAdapterOptions } from './http-agent-adapter.ts';

/**
 * The `http` transport: the callstorm HTTP agent protocol v1. The caller session plays each call
 * (a turn is one request and its JSON reply) over one keep-alive pool; the agent's replies carry
 * its intents and transfer reasons, so no evidence source is needed.
 */
export function createHttpTransport(options: HttpAgentAdapterOptions): AgentTransport {
  const adapter = createHttpAgentAdapter(options);
  return {
    kind: 'http',
    description: adapter.name,
    evidence: null,
    converse: (call) => runCallerSession({ ...call, adapter }),
    close: () => adapter.close(),
  };
}
