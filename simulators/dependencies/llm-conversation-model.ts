import type { Scenario } from '../../src/scenario/compose-scenario.ts';
import { type CrmOperationName, crmOperations } from '../../src/scenario/crm-operations.ts';
import type { ExpectedWrite } from '../callers/call-plan.ts';
import { seeded } from '../seeded-random.ts';
import type { ConversationTurn, GroundTruth } from './ground-truth.ts';
import { type Classification, type IntentModelOptions, LlmIntentModel } from './llm-intent-model.ts';
import { misheardValue, replyText } from './llm-reply-text.ts';

/** Tools the agent offers besides the CRM operations. */
export const AGENT_TOOLS = ['record_intent', 'transfer_to_human', 'end_call'] as const;

/** A chat message as the model reads it (content flattened to text). */
export interface ChatTurnMessage {
  readonly role: 'system' | 'developer' | 'user' | 'assistant' | 'tool';
  readonly content: string;
}

export interface ConversationRequest {
  readonly messages: readonly ChatTurnMessage[];
  /** Names of the tools the request offers (the model only calls these). */
  readonly tools: readonly string[];
  /** FaultEffects.llm.wrongIntentRate for this request. */
  readonly wrongIntentRate: number;
}

export interface ModelToolCall {
  readonly name: string;
  readonly arguments: Readonly<Record<string, string>>;
}

/** What the model "says": text, tool calls, or both. */
export interface ModelAnswer {
  readonly content: string | null;
  readonly toolCalls: readonly ModelToolCall[];
  /** The turn the conversation is on, when the ground truth knows it. */
  readonly turn?: ConversationTurn;
  readonly classification?: Classification;
}

export interface ConversationModelOptions {
  seed: string | number;
  groundTruth: GroundTruth;
  /** The vertical (flows, intents) and population (complexity) of the run. */
  scenario: Pick<Scenario, 'vertical' | 'population'>;
  /** Accuracy knobs of the intent model (see LlmIntentModel). */
  intent?: Pick<IntentModelOptions, 'baseAccuracy' | 'confidenceKnee' | 'confidenceSlope'>;
}

/**
 * Turn kinds whose words carry the intent. Clarifications and goodbyes keep the flow's intent, and
 * a caller asking for a person is always understood.
 */
export const CLASSIFIED_KINDS: ReadonlySet<string> = new Set(['open', 'inform', 'correction']);

/**
 * Decides what the simulated LLM answers to a conversation, from the ground truth of the call:
 * on a new caller turn it classifies the intent and calls the CRM tools a correct agent would call
 * (with misheard values where the ASR garbled them, and no writes for a wrong intent); after the
 * tool results it replies and, when the turn ends the call, calls `transfer_to_human` or `end_call`.
 */
export class LlmConversationModel {
  readonly groundTruth: GroundTruth;
  readonly #seed: string | number;
  readonly #intents: LlmIntentModel;
  readonly #flowsByIntent: Map<string, Scenario['vertical']['flows'][number]>;

  constructor(options: ConversationModelOptions) {
    this.groundTruth = options.groundTruth;
    this.#seed = options.seed;
    const flows = options.scenario.vertical.flows;
    this.#intents = new LlmIntentModel({
      seed: options.seed,
      flows,
      complexity: options.scenario.population.complexity,
      ...options.intent,
    });
    this.#flowsByIntent = new Map(flows.map((f) => [f.intent, f]));
  }

  /** The turn a conversation is on (from its user messages), if the ground truth knows it. */
  resolve(messages: readonly ChatTurnMessage[]): ConversationTurn | undefined {
    return this.groundTruth.resolveConversation(
      messages.filter((m) => m.role === 'user').map((m) => m.content),
    );
  }

  respond(
    request: ConversationRequest,
    known: ConversationTurn | undefined = this.resolve(request.messages),
  ): ModelAnswer {
    const last = request.messages[request.messages.length - 1];
    if (!known || !last) {
      return { content: 'Thanks for calling. How can I help you today?', toolCalls: [] };
    }
    const { plan, turn, transcript } = known;
    const offered = new Set(request.tools);
    const key = `${turn.id}#${transcript.attempt}`;
    const classification = CLASSIFIED_KINDS.has(turn.kind)
      ? this.#intents.classify({
          key,
          trueIntent: turn.expect.intent,
          confidence: transcript.confidence,
          complexity: plan.complexity,
          wrongIntentRate: request.wrongIntentRate,
        })
      : { intent: turn.expect.intent, correct: true, pCorrect: 1 };
    this.groundTruth.recordClassification(turn.id, classification.intent);

    const misheard = this.groundTruth.misheard(plan, turn.index);
    const rng = seeded(this.#seed, 'llm-values', plan.id);
    const accountId = misheard.has('accountId')
      ? misheardValue(plan.caller.accountId, rng)
      : plan.caller.accountId;
    const valueRng = seeded(this.#seed, 'llm-values', turn.id);
    const writes: ExpectedWrite[] = classification.correct
      ? turn.expect.writes
          .map((id) => plan.expectedWrites.find((w) => w.id === id))
          .filter((w): w is ExpectedWrite => w !== undefined)
          .map((w) => ({
            ...w,
            args: Object.fromEntries(
              Object.entries(w.args).map(([name, value]) => [
                name,
                name === 'accountId'
                  ? accountId
                  : misheard.has(name)
                    ? misheardValue(value, valueRng)
                    : value,
              ]),
            ),
          }))
      : [];

    if (last.role === 'user') {
      const calls: ModelToolCall[] = [];
      if (CLASSIFIED_KINDS.has(turn.kind))
        calls.push({ name: 'record_intent', arguments: { intent: classification.intent } });
      for (const op of turn.expect.reads)
        calls.push({ name: op, arguments: readArgs(op, accountId, plan.caller.phone) });
      for (const w of writes) calls.push({ name: w.op, arguments: w.args });
      const usable = calls.filter((c) => offered.has(c.name));
      if (usable.length > 0) return { content: null, toolCalls: usable, turn: known, classification };
    }

    const terminal = this.#terminal(known, classification);
    const content = replyText(
      { plan, turn, intent: classification.intent, correct: classification.correct, writes, terminal },
      seeded(this.#seed, 'llm-reply', key),
    );
    // The TTS simulator attributes what it is asked to say by these words.
    this.groundTruth.replies.record({ callId: plan.id, utteranceId: turn.id, text: content });
    const toolCalls: ModelToolCall[] = [];
    if (terminal.action === 'transfer')
      toolCalls.push({ name: 'transfer_to_human', arguments: { reason: terminal.reason ?? 'unspecified' } });
    if (terminal.action === 'end') toolCalls.push({ name: 'end_call', arguments: {} });
    return { content, toolCalls: toolCalls.filter((c) => offered.has(c.name)), turn: known, classification };
  }

  #terminal(
    { turn }: ConversationTurn,
    c: Classification,
  ): { action: 'continue' | 'transfer' | 'end'; reason?: string } {
    if (!c.correct) {
      // The model acts on the intent it believes: a wrong out-of-scope/human intent transfers, and a
      // wrong in-scope intent carries on where the call should have been transferred.
      const flow = this.#flowsByIntent.get(c.intent);
      if (flow && flow.outcome.action === 'transfer')
        return { action: 'transfer', reason: flow.outcome.transferReason ?? 'out_of_scope' };
      if (turn.expect.action === 'transfer') return { action: 'continue' };
    }
    if (turn.expect.action === 'transfer')
      return { action: 'transfer', reason: turn.expect.transferReason ?? 'unspecified' };
    return { action: turn.expect.action };
  }
}

function readArgs(op: CrmOperationName, accountId: string, phone: string): Record<string, string> {
  const args: Record<string, string> = {};
  for (const name of crmOperations[op].args) args[name] = name === 'phone' ? phone : accountId;
  return args;
}
