import { BrokenCircuitError, TaskCancelledError } from 'cockatiel';
import type { DependencyCall, DependencyKind } from '../src/protocol/agent-protocol.ts';

export type FailureStatus = DependencyCall['status'];

/**
 * A dependency call that did not give a usable answer: an HTTP error status, a timeout, a dropped
 * connection, an open circuit, or an incomplete stream. Carries what the retry policy needs.
 */
export class DependencyError extends Error {
  readonly dependency: DependencyKind;
  readonly endpoint: string;
  readonly status: FailureStatus;
  /** From `Retry-After` (429 / 503), in ms. */
  readonly retryAfterMs: number | undefined;

  constructor(
    dependency: DependencyKind,
    endpoint: string,
    status: FailureStatus,
    message: string,
    options: { retryAfterMs?: number; cause?: unknown } = {},
  ) {
    super(`${endpoint}: ${message}`, { cause: options.cause });
    this.name = 'DependencyError';
    this.dependency = dependency;
    this.endpoint = endpoint;
    this.status = status;
    this.retryAfterMs = options.retryAfterMs;
  }

  /** Worth another attempt: timeouts, dropped connections, 408, 409 (in progress), 429 and 5xx. */
  get transient(): boolean {
    const s = this.status;
    if (typeof s === 'number') return s === 408 || s === 409 || s === 429 || s >= 500;
    return s === 'timeout' || s === 'network-error' || s === 'incomplete';
  }

  /** Counts against the endpoint's health (a 429 is the caller's pace, not the endpoint failing). */
  get countsAsOutage(): boolean {
    const s = this.status;
    if (typeof s === 'number') return s >= 500;
    return s === 'timeout' || s === 'network-error' || s === 'incomplete';
  }

  get timedOut(): boolean {
    return this.status === 'timeout';
  }
}

/** `Retry-After` as seconds or an HTTP date, in ms (undefined when absent or unreadable). */
export function parseRetryAfter(
  value: string | string[] | undefined | null,
  now = Date.now(),
): number | undefined {
  const text = Array.isArray(value) ? value[0] : value;
  if (text === undefined || text === null || text.trim() === '') return undefined;
  const seconds = Number(text);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const at = Date.parse(text);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/** Turns whatever a client threw into a DependencyError (cockatiel's own errors included). */
export function toDependencyError(
  error: unknown,
  dependency: DependencyKind,
  endpoint: string,
): DependencyError {
  if (error instanceof DependencyError) return error;
  if (error instanceof BrokenCircuitError) {
    return new DependencyError(dependency, endpoint, 'circuit-open', 'circuit breaker is open', {
      cause: error,
    });
  }
  if (error instanceof TaskCancelledError || isAbort(error)) {
    return new DependencyError(dependency, endpoint, 'timeout', 'timed out', { cause: error });
  }
  const status = (error as { status?: unknown } | null)?.status;
  if (typeof status === 'number' && status >= 100) {
    const headers = (error as { headers?: Headers | Record<string, string> }).headers;
    const raw = headers instanceof Headers ? headers.get('retry-after') : headers?.['retry-after'];
    const retryAfterMs = parseRetryAfter(raw);
    return new DependencyError(dependency, endpoint, status, `HTTP ${status}`, {
      cause: error,
      ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
    });
  }
  const message = error instanceof Error ? error.message : String(error);
  return new DependencyError(dependency, endpoint, 'network-error', message, { cause: error });
}

function isAbort(error: unknown): boolean {
  const e = error as { name?: string; code?: string } | null;
  return (
    e?.name === 'AbortError' ||
    e?.name === 'TimeoutError' ||
    e?.name === 'APIUserAbortError' ||
    e?.name === 'APIConnectionTimeoutError' ||
    e?.code === 'UND_ERR_ABORTED' ||
    e?.code === 'UND_ERR_HEADERS_TIMEOUT' ||
    e?.code === 'UND_ERR_BODY_TIMEOUT'
  );
}

/**
 * A failed request to a dependency as a DependencyError: one the client already raised passes
 * through; otherwise an aborted signal means the budget ran out (timeout), anything else is a
 * network error.
 */
export function asDependencyError(
  dependency: DependencyKind,
  endpoint: string,
  error: unknown,
  signal: AbortSignal | undefined,
): DependencyError {
  if (error instanceof DependencyError) return error;
  return new DependencyError(
    dependency,
    endpoint,
    signal?.aborted === true ? 'timeout' : 'network-error',
    error instanceof Error ? error.message : String(error),
    { cause: error },
  );
}
