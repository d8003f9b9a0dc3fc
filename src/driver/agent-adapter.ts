import type { CallPlan } from '../../simulators/callers/call-plan.ts';
import type { CreateCallResponse, TurnRequest, TurnResponse } from '../protocol/agent-protocol.ts';

/** How a request to the agent failed, as the caller experiences it. */
export type AgentFailureKind = 'http-error' | 'timeout' | 'network-error' | 'protocol-error';

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
 * The driver's view of an agent under test. Adapters translate the caller's actions into the
 * agent's protocol; the built-in one speaks the callstorm HTTP agent protocol v1. Every method
 * rejects with AgentCallError; an aborted signal rejects with the signal's reason.
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
  /** The caller hung up. Never throws: a hang-up the agent did not hear is the agent's problem. */
  hangUp(ctx: CallContext, sessionId: string): Promise<void>;
  close(): Promise<void>;
}
