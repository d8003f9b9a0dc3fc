import { CallstormError } from '../errors/callstorm-error.ts';
import { agentAddress, formatAddress, tryConnect } from './agent-address.ts';

/**
 * The pre-flight check before a run's first call: the agent's address accepts a TCP connection
 * (whatever the transport speaks over it). A refused connection is CS_ERR_AGENT_UNREACHABLE
 * (exit 2) instead of a run whose every call fails.
 */
export async function checkAgentAnswers(url: string, timeoutMs = 5_000): Promise<void> {
  const address = agentAddress(url);
  if (!address) return; // not a URL with a port: the transport's own errors say why
  const why = await tryConnect(address.host, address.port, timeoutMs);
  if (why !== null) {
    throw new CallstormError('CS_ERR_AGENT_UNREACHABLE', {
      url,
      reason: why,
      address: formatAddress(address),
    });
  }
}
