import type { CallPlan } from '../../simulators/callers/call-plan.ts';
import type { CreateCallResponse, TurnRequest, TurnResponse } from '../protocol/agent-protocol.ts';
import type { AgentFailureKind } from './call-observation.ts';

/** A failed request to the agent under test. */
export class AgentCallError extends Error {
  constructor(
    readonly kind: AgentFailureKind,
    message: string,
    readonly status: number | null = null,
  ) {
    super(message);
    this.name = 'AgentCallError';
  }
}

/** What every request to the agent carries (`x-callstorm-run`, `x-callstorm-call`). */
export interface CallContext {
  readonly runId: string;
  readonly plan: CallPlan;
}

/**
 * The HTTP agent protocol v1 as requests: what the caller session (the `http` transport's
 * conversation) sends. Every method rejects with AgentCallError; an aborted signal rejects with
 * the signal's reason. Every request has a deadline of its own.
 */
export interface AgentAdapter {
  readonly name: string;
  startCall(ctx: CallContext, signal?: AbortSignal): Promise<CreateCallResponse>;
  turn(
    ctx: CallContext,
    sessionId: string,
    request: TurnRequest,
    signal?: AbortSignal,
  ): Promise<TurnResponse>;
  /**
   * The caller hung up. Never rejects: a hang-up the agent did not hear is the agent's problem.
   * Callers need not wait for it; `close()` does (bounded by the hang-up deadline).
   */
  hangUp(ctx: CallContext, sessionId: string): Promise<void>;
  close(): Promise<void>;
}
