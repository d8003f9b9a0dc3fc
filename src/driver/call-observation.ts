import type { CallPlan } from '../../simulators/callers/call-plan.ts';
import type { TurnRecord } from '../telemetry/call-record.ts';
import type { WireMeasurements } from '../telemetry/wire-measurements.ts';

/** How a request to the agent, or the line to it, failed, as the caller experiences it. */
export type AgentFailureKind = 'http-error' | 'timeout' | 'network-error' | 'protocol-error';

/** How a call ended, as the caller saw it. The same for every transport. */
export type CallEnding =
  | { readonly by: 'agent-end'; readonly atTurn: number }
  | {
      readonly by: 'agent-transfer';
      readonly atTurn: number;
      readonly reason: string;
      readonly queue: string;
    }
  | { readonly by: 'caller-done'; readonly atTurn: number }
  | { readonly by: 'caller-abandoned'; readonly atTurn: number; readonly waitedMs: number }
  | {
      readonly by: 'failure';
      readonly atTurn: number;
      readonly kind: AgentFailureKind;
      readonly status: number | null;
      readonly message: string;
    };

/**
 * What one caller observed, whatever the transport: the raw material of a CallRecord. A
 * transport fills it from its own conversation; the call judge adds ground truth, the ledger, the
 * human queue and the fault windows.
 */
export interface CallObservation {
  readonly plan: CallPlan;
  readonly startLagMs: number;
  readonly turns: readonly TurnRecord[];
  readonly ending: CallEnding;
  /** Wall ms (performance.now) when the call ended for the caller (before any hang-up request). */
  readonly endedWallMs: number;
  /** Agent audio the caller heard or was due to hear (greeting and replies, capped), ms. */
  readonly agentAudioMs: number;
  /** Writes the agent said it parked in its dead-letter queue (telemetry), over the call. */
  readonly deadLetteredWrites: number;
  /**
   * The intent classified on each of `turns` by the harness's own evidence (an evidence source:
   * the LLM simulator's classification), null where none was. Absent: the agent's telemetry in
   * `turns[i].agent.intent` says (the HTTP agent protocol).
   */
  readonly intents?: readonly (string | null)[];
  /** What a streaming transport measured on the wire (absent for the HTTP agent protocol). */
  readonly wire?: WireMeasurements;
  /**
   * What the agent said when it picked up: the HTTP create-call response's greeting, or for a
   * streaming transport (or its evidence source) what the agent asked the TTS simulator to say
   * before the call's first LLM reply (`POST <tts control>/speech/call`). Absent: not known.
   */
  readonly greeting?: string;
}
