import { CallstormError } from '../errors/callstorm-error.ts';
import { sleep } from '../util/abortable-sleep.ts';
import { agentAddress, formatAddress, tryConnect } from './agent-address.ts';

export interface PreflightOptions {
  /** Keep trying this long (wall ms) before giving up (default 0: one try). */
  readonly waitMs?: number;
  /** Stops the waiting (the run was stopped); the check then passes and the run winds down. */
  readonly signal?: AbortSignal;
  /** Each connection attempt's bound (ms, default 5 s). */
  readonly attemptTimeoutMs?: number;
}

/**
 * The pre-flight check before a run's first call: the agent's address accepts a TCP connection
 * (whatever the transport speaks over it), at once or within `waitMs`. Refused:
 * CS_ERR_AGENT_UNREACHABLE (exit 2) instead of a run whose every call fails.
 */
export async function checkAgentAnswers(url: string, options: PreflightOptions = {}): Promise<void> {
  const address = agentAddress(url);
  if (!address) return; // not a URL with a port: the transport's own errors say why
  const waitMs = options.waitMs ?? 0;
  const deadline = performance.now() + waitMs;
  for (;;) {
    const why = await tryConnect(address.host, address.port, options.attemptTimeoutMs ?? 5_000);
    if (why === null || options.signal?.aborted) return;
    if (performance.now() >= deadline) {
      const reason = waitMs > 0 ? `${why}, for ${(waitMs / 1000).toFixed(0)} s` : why;
      throw new CallstormError('CS_ERR_AGENT_UNREACHABLE', { url, reason, address: formatAddress(address) });
    }
    if (!(await sleep(100, options.signal))) return;
  }
}
