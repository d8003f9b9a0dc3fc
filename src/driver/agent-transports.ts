import { CallstormError } from '../errors/callstorm-error.ts';
import type { AgentTransport, AgentTransportKind, TransportContext } from './agent-transport.ts';
import { createHttpTransport } from './http-transport.ts';
import { checkTwilioRun, createTwilioTransport } from './twilio/twilio-transport.ts';

/**
 * The transports `--agent` can name, as a literal registry keyed by name and found by the URL's
 * scheme: `http://…` → `http` (the callstorm HTTP agent protocol v1), `twilio+ws://…` → `twilio`
 * (callstorm plays Twilio Media Streams to a bot's WebSocket, in real time: docs/twilio.md).
 */
export const agentTransports = {
  http: {
    schemes: ['http:', 'https:'],
    usage: 'http://127.0.0.1:PORT — your agent, speaking the callstorm HTTP agent protocol v1',
    create: (url, context) => createHttpTransport({ url }, context),
  },
  twilio: {
    schemes: ['twilio+ws:'],
    usage:
      'twilio+ws://127.0.0.1:PORT/PATH — your phone bot, answering Twilio Media Streams (callstorm plays Twilio; --speed 1, caller speech)',
    needsSpeech: true,
    check: checkTwilioRun,
    create: (url, context) => createTwilioTransport(url, context),
  },
} as const satisfies Readonly<Record<string, AgentTransportKind>>;

export type AgentTransportName = keyof typeof agentTransports;

const kinds: readonly [string, AgentTransportKind][] = Object.entries(agentTransports);

/** The registry entry that speaks this URL's scheme, or null. */
export function transportKindFor(url: string): { name: string; kind: AgentTransportKind } | null {
  let scheme: string;
  try {
    // `{port}` (filled in once `--agent-cmd` has a port) does not change the scheme.
    scheme = new URL(url.replaceAll('{port}', '0')).protocol;
  } catch {
    return null;
  }
  const found = kinds.find(([, kind]) => kind.schemes.includes(scheme));
  return found ? { name: found[0], kind: found[1] } : null;
}

/** The transport for an agent URL; an unknown scheme is an error that lists the valid forms. */
export function createAgentTransport(url: string, context: TransportContext): AgentTransport {
  const found = transportKindFor(url);
  if (!found) {
    throw new CallstormError('CS_ERR_UNKNOWN_NAME', {
      what: 'agent transport',
      name: url,
      valid: kinds.map(([, k]) => k.usage).join('; '),
    });
  }
  return found.kind.create(url, context);
}
