import {
  BrokenCircuitError,
  type CircuitBreakerPolicy,
  CircuitState,
  ConsecutiveBreaker,
  circuitBreaker,
  DelegateBackoff,
  handleWhen,
  retry,
  TimeoutStrategy,
  timeout,
} from 'cockatiel';
import type { DependencyKind } from '../src/protocol/agent-protocol.ts';
import type { AgentConfig } from './agent-config.ts';
import { DependencyError, toDependencyError } from './dependency-error.ts';
import type { TurnRecorder } from './turn-recorder.ts';

export interface GuardedCall<T> {
  readonly dependency: DependencyKind;
  /** Named endpoint: one circuit breaker each. */
  readonly endpoint: string;
  readonly operation?: string;
  readonly region?: string;
  /** Timeout of one attempt, computed when the attempt starts (so it follows the remaining budget). */
  readonly attemptTimeoutMs: () => number;
  /** Retries after the first attempt; 0 for calls that are not safe to repeat. */
  readonly retries: number;
  /** Don't start a retry unless this much of the turn budget would be left after the wait. */
  readonly minAttemptMs?: number;
  /** performance.now() the retries must fit before (default: the turn's deadline). */
  readonly deadline?: number;
  readonly status: (value: NoInfer<T>) => number;
  readonly fn: (signal: AbortSignal, attempt: number) => Promise<T>;
}

/**
 * The production profile's cockatiel policies: one circuit breaker per endpoint (opened by
 * consecutive outages — 5xx, timeouts, dropped connections; not by 4xx or 429), and per call a
 * retry with full-jitter exponential backoff that honours Retry-After and never waits past the
 * turn's budget, around a timeout that follows the budget.
 */
export class ResiliencePolicies {
  readonly #config: AgentConfig;
  readonly #breakers = new Map<string, CircuitBreakerPolicy>();
  readonly #random: () => number;

  constructor(config: AgentConfig, random: () => number = Math.random) {
    this.#config = config;
    this.#random = random;
  }

  breaker(endpoint: string): CircuitBreakerPolicy {
    let breaker = this.#breakers.get(endpoint);
    if (!breaker) {
      breaker = circuitBreaker(
        handleWhen((error) => toDependencyError(error, 'crm', endpoint).countsAsOutage),
        {
          halfOpenAfter: this.#config.breaker.halfOpenAfterMs,
          breaker: new ConsecutiveBreaker(this.#config.breaker.consecutiveFailures),
        },
      );
      this.#breakers.set(endpoint, breaker);
    }
    return breaker;
  }

  /** Open (or isolated) breakers, by endpoint: for health read-outs. */
  states(): Record<string, string> {
    return Object.fromEntries(
      [...this.#breakers].map(([name, b]) => [name, CircuitState[b.state]?.toLowerCase() ?? String(b.state)]),
    );
  }

  isOpen(endpoint: string): boolean {
    const state = this.#breakers.get(endpoint)?.state;
    return state === CircuitState.Open || state === CircuitState.Isolated;
  }

  /** Backoff before retry `attempt` (1-based): full jitter, at least the server's Retry-After. */
  backoffMs(attempt: number, error: unknown): number {
    const { initialDelayMs, maxDelayMs } = this.#config.retry;
    const cap = Math.min(maxDelayMs, initialDelayMs * 2 ** (attempt - 1));
    const jittered = initialDelayMs / 2 + this.#random() * Math.max(0, cap - initialDelayMs / 2);
    const retryAfter = error instanceof DependencyError ? error.retryAfterMs : undefined;
    return retryAfter === undefined ? jittered : retryAfter + this.#random() * 50;
  }

  /** Runs one dependency call under retry → breaker → timeout, recording every attempt. */
  async run<T>(rec: TurnRecorder, call: GuardedCall<T>): Promise<T> {
    const breaker = this.breaker(call.endpoint);
    const minAttemptMs = call.minAttemptMs ?? 100;
    const deadline = call.deadline ?? rec.deadline;
    const left = () => deadline - performance.now();
    const policy = retry(
      handleWhen((error) => {
        if (!(error instanceof DependencyError) || !error.transient) return false;
        // Only retry if the wait plus a useful attempt still fit in the turn's budget.
        return left() - (error.retryAfterMs ?? 0) >= minAttemptMs;
      }),
      {
        maxAttempts: call.retries,
        backoff: new DelegateBackoff((ctx) => {
          const error = 'error' in ctx.result ? ctx.result.error : undefined;
          return Math.min(this.backoffMs(ctx.attempt, error), Math.max(0, left() - minAttemptMs));
        }),
      },
    );
    const describe = {
      status: call.status,
      failure: (error: unknown) => toDependencyError(error, call.dependency, call.endpoint).status,
      ...(call.operation !== undefined ? { operation: call.operation } : {}),
      ...(call.region !== undefined ? { region: call.region } : {}),
    };
    try {
      return await policy.execute(({ attempt }) =>
        breaker
          .execute(async () => {
            const ms = call.attemptTimeoutMs();
            try {
              return await timeout(ms, {
                strategy: TimeoutStrategy.Aggressive,
                abortOnReturn: false,
              }).execute((_ctx, signal) =>
                rec.attempt(
                  call.dependency,
                  call.endpoint,
                  attempt + 1,
                  () => call.fn(signal, attempt + 1),
                  describe,
                ),
              );
            } catch (error) {
              throw toDependencyError(error, call.dependency, call.endpoint);
            }
          })
          .catch((error: unknown) => {
            if (error instanceof BrokenCircuitError) {
              rec.record({
                dependency: call.dependency,
                endpoint: call.endpoint,
                attempt: attempt + 1,
                status: 'circuit-open',
                ms: 0,
                ...(call.operation !== undefined ? { operation: call.operation } : {}),
                ...(call.region !== undefined ? { region: call.region } : {}),
              });
            }
            throw toDependencyError(error, call.dependency, call.endpoint);
          }),
      );
    } catch (error) {
      throw toDependencyError(error, call.dependency, call.endpoint);
    }
  }
}
