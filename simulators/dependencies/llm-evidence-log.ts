import type { ConversationTurn } from './ground-truth.ts';
import { CLASSIFIED_KINDS, type ModelToolCall } from './llm-conversation-model.ts';
import type { Classification } from './llm-intent-model.ts';

/** What the LLM simulator decided on one planned turn of a call (the latest request wins). */
export interface LlmTurnEvidence {
  readonly turnIndex: number;
  readonly utteranceId: string;
  readonly kind: string;
  /**
   * The intent it classified the turn as; null on turns that carry none (a clarification, a
   * goodbye, asking for a person), where the model keeps the flow's intent without classifying.
   */
  readonly classified: string | null;
  /** Whether the model understood the turn (ground truth). */
  readonly correct: boolean;
  /** Requests the simulator linked to this turn. */
  readonly requests: number;
}

/** One tool call the LLM simulator sent in full, on the wire. */
export interface LlmToolCallEvidence {
  readonly name: string;
  readonly arguments: Readonly<Record<string, string>>;
  readonly turnIndex: number;
  readonly endpoint: string;
  /** Epoch ms it was sent. */
  readonly at: number;
}

/** How the model last ended the call, if it did: `transfer_to_human` (with its reason) or `end_call`. */
export type LlmEnding =
  | { readonly by: 'transfer'; readonly reason: string; readonly turnIndex: number }
  | { readonly by: 'end'; readonly turnIndex: number };

/** Everything the LLM simulator did for one call, queryable per call (`POST /__callstorm/calls/evidence`). */
export interface LlmCallEvidence {
  readonly callId: string;
  /** Requests linked to the call (by transcript). */
  readonly requests: number;
  /** One entry per planned turn a request was linked to, in turn order. */
  readonly turns: readonly LlmTurnEvidence[];
  /** Tool calls sent, in order (at most MAX_TOOL_CALLS a call; later ones are counted, not kept). */
  readonly toolCalls: readonly LlmToolCallEvidence[];
  readonly droppedToolCalls: number;
  readonly ending: LlmEnding | null;
}

/** Tool calls kept per call: a model loop cannot grow the log without bound. */
export const MAX_TOOL_CALLS = 200;

interface CallLog {
  requests: number;
  readonly turns: Map<number, LlmTurnEvidence>;
  readonly toolCalls: LlmToolCallEvidence[];
  dropped: number;
  ending: LlmEnding | null;
}

/**
 * The LLM simulator's own record, per call and per planned turn, of what it classified and which
 * tools it called: the harness's evidence of what a bot's model decided, without any header
 * from the bot (requests are linked to calls by transcript). Shared by every LLM endpoint of a suite.
 */
export class LlmEvidenceLog {
  readonly #calls = new Map<string, CallLog>();
  #unlinked = 0;

  #log(callId: string): CallLog {
    let log = this.#calls.get(callId);
    if (!log) {
      log = { requests: 0, turns: new Map(), toolCalls: [], dropped: 0, ending: null };
      this.#calls.set(callId, log);
    }
    return log;
  }

  /** A request linked to `turn` was answered with this classification. */
  answered(turn: ConversationTurn, classification: Classification): void {
    const log = this.#log(turn.plan.id);
    log.requests++;
    const before = log.turns.get(turn.turn.index);
    log.turns.set(turn.turn.index, {
      turnIndex: turn.turn.index,
      utteranceId: turn.turn.id,
      kind: turn.turn.kind,
      classified: CLASSIFIED_KINDS.has(turn.turn.kind) ? classification.intent : null,
      correct: classification.correct,
      requests: (before?.requests ?? 0) + 1,
    });
  }

  /** A tool call of an answer to `turn` went out in full. */
  toolCallSent(turn: ConversationTurn, call: ModelToolCall, endpoint: string, at = Date.now()): void {
    const log = this.#log(turn.plan.id);
    const turnIndex = turn.turn.index;
    if (call.name === 'transfer_to_human')
      log.ending = { by: 'transfer', reason: call.arguments['reason'] ?? 'unspecified', turnIndex };
    else if (call.name === 'end_call') log.ending = { by: 'end', turnIndex };
    if (log.toolCalls.length >= MAX_TOOL_CALLS) {
      log.dropped++;
      return;
    }
    log.toolCalls.push({ name: call.name, arguments: { ...call.arguments }, turnIndex, endpoint, at });
  }

  /** A request the simulator could not link to any call (its last user message matched no transcript). */
  unlinked(): void {
    this.#unlinked++;
  }

  get unlinkedRequests(): number {
    return this.#unlinked;
  }

  /** Requests linked to this call. */
  requestsOf(callId: string): number {
    return this.#calls.get(callId)?.requests ?? 0;
  }

  ofCall(callId: string): LlmCallEvidence {
    const log = this.#calls.get(callId);
    return {
      callId,
      requests: log?.requests ?? 0,
      turns: log ? [...log.turns.values()].sort((a, b) => a.turnIndex - b.turnIndex) : [],
      toolCalls: log ? [...log.toolCalls] : [],
      droppedToolCalls: log?.dropped ?? 0,
      ending: log?.ending ?? null,
    };
  }
}
