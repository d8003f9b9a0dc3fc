import type { ChatCompletionMessageParam, ChatCompletionTool } from 'openai/resources/chat/completions';
import type { FallbackTier, TurnRequest, TurnResponse } from '../src/protocol/agent-protocol.ts';
import { crmOperations } from '../src/scenario/crm-operations.ts';
import type { AgentConfig } from './agent-config.ts';
import {
  DEAD_LETTER_NOTICE,
  estimateAudioMs,
  FALLBACK_CONTINUE,
  GOODBYE,
  REPROMPT,
  transferLine,
  WRITE_FAILED_NOTICE,
} from './agent-phrases.ts';
import { type AgentProfile, type LlmRound, LlmUnavailableError, type ToolOutcome } from './agent-profile.ts';
import type { AgentSession } from './agent-session.ts';
import { crmRequest, isCrmOperation, parseToolArguments } from './agent-tools.ts';
import { answerFromScript } from './scripted-turn.ts';
import type { TurnRecorder } from './turn-recorder.ts';

/** LLM rounds per turn at most (tool calls → results → reply, with room for one more round). */
const MAX_ROUNDS = 4;
const TIER_ORDER: readonly FallbackTier[] = ['primary', 'secondary', 'scripted', 'human'];

export interface TurnContext {
  readonly config: AgentConfig;
  readonly profile: AgentProfile;
  readonly tools: ChatCompletionTool[];
  readonly systemPrompt: (session: AgentSession) => string;
}

/** What the turn decided before the reply is spoken. */
export interface TurnDecision {
  text: string;
  action: 'continue' | 'transfer' | 'end';
  reason?: string;
}

const worse = (a: FallbackTier, b: FallbackTier): FallbackTier =>
  TIER_ORDER.indexOf(b) > TIER_ORDER.indexOf(a) ? b : a;

/**
 * One caller turn: barge-in bookkeeping → ASR → (low-confidence handling) → LLM with tool calls
 * executed against the CRM → reply text → TTS. Dependency failures the profile does not absorb are
 * thrown (the server answers them with 502/504).
 */
export async function runTurn(
  ctx: TurnContext,
  session: AgentSession,
  request: TurnRequest,
  rec: TurnRecorder,
): Promise<TurnResponse> {
  const { profile, config } = ctx;
  noteBargeIn(session, request, rec);

  const asrStarted = performance.now();
  const heard = await profile.transcribe(
    rec,
    Buffer.from(request.utterance.audio, 'base64'),
    session.request.locale,
  );
  rec.asrMs = performance.now() - asrStarted;
  rec.transcript = heard?.transcript ?? null;
  rec.asrConfidence = heard ? heard.confidence : null;

  let decision: TurnDecision;
  const unheard = heard === null || heard.transcript === '' || heard.confidence < config.asrMinConfidence;
  if (profile.handlesLowConfidence && unheard) {
    decision = repromptOrTransfer(session, rec, heard === null ? 'asr_unavailable' : 'asr_low_confidence');
  } else {
    session.consecutiveReprompts = 0;
    session.history.push({ role: 'user', content: heard?.transcript ?? '' });
    decision = await converse(ctx, session, rec, heard?.transcript ?? '');
  }
  return speak(ctx, session, rec, decision);
}

function noteBargeIn(session: AgentSession, request: TurnRequest, rec: TurnRecorder): void {
  const previous = session.lastReply;
  if (!request.bargeIn || !previous) return;
  const heardShare = previous.audioMs > 0 ? Math.min(1, request.bargeIn.atMs / previous.audioMs) : 1;
  const heardChars = Math.round(previous.text.length * heardShare);
  rec.bargeIn = { atMs: request.bargeIn.atMs, previousReplyMs: previous.audioMs, heardChars };
  // The caller only heard the start of the last reply: the model must not assume they heard the rest.
  if (heardShare < 1) {
    for (let i = session.history.length - 1; i >= 0; i--) {
      const m = session.history[i]!;
      if (m.role === 'assistant' && typeof m.content === 'string') {
        session.history[i] = {
          role: 'assistant',
          content: `${m.content.slice(0, heardChars).trimEnd()}… [interrupted by the caller]`,
        };
        break;
      }
    }
  }
}

function repromptOrTransfer(
  session: AgentSession,
  rec: TurnRecorder,
  reason: 'asr_low_confidence' | 'asr_unavailable',
): TurnDecision {
  rec.tier = 'human';
  if (session.consecutiveReprompts < 1) {
    session.consecutiveReprompts++;
    rec.reprompt = true;
    rec.tier = 'primary';
    return { text: REPROMPT, action: 'continue' };
  }
  return { text: transferLine(reason), action: 'transfer', reason };
}

async function converse(
  ctx: TurnContext,
  session: AgentSession,
  rec: TurnRecorder,
  transcript: string,
): Promise<TurnDecision> {
  const { profile } = ctx;
  let terminal: { action: 'transfer' | 'end'; reason?: string } | null = null;
  let content = '';
  let writeRejected = false;
  let tier: FallbackTier = 'primary';
  for (let round = 0; round < MAX_ROUNDS; round++) {
    const started = performance.now();
    let result: LlmRound;
    try {
      result = await profile.complete(
        rec,
        [{ role: 'system', content: ctx.systemPrompt(session) }, ...session.history],
        ctx.tools,
      );
    } catch (error) {
      rec.llmTotalMs += performance.now() - started;
      if (error instanceof LlmUnavailableError && profile.scriptedFallback) {
        rec.tier = worse(tier, 'scripted');
        return answerFromScript(profile, session, rec, transcript);
      }
      throw error;
    }
    rec.llmTotalMs += performance.now() - started;
    tier = worse(tier, result.tier);
    rec.tier = tier;
    const { answer } = result;
    rec.tokensIn += answer.tokensIn;
    rec.tokensOut += answer.tokensOut;
    content = answer.content;
    if (answer.toolCalls.length === 0) break;

    const results: ChatCompletionMessageParam[] = [];
    let needsAnotherRound = false;
    const toolsStarted = performance.now();
    for (const call of answer.toolCalls) {
      const args = parseToolArguments(call.arguments);
      let output: unknown;
      if (args === null) {
        output = { error: 'arguments are not a JSON object' };
        needsAnotherRound = true;
      } else if (call.name === 'record_intent') {
        rec.intent = args.intent ?? null;
        session.intent = rec.intent;
        output = { ok: true };
        needsAnotherRound = true;
      } else if (call.name === 'transfer_to_human') {
        terminal = { action: 'transfer', reason: args.reason?.trim() || 'unspecified' };
        output = { ok: true };
      } else if (call.name === 'end_call') {
        terminal ??= { action: 'end' };
        output = { ok: true };
      } else if (isCrmOperation(call.name)) {
        needsAnotherRound = true;
        if (args.accountId) session.accountId = args.accountId;
        const write = crmOperations[call.name].kind === 'write';
        if (write) rec.writesAttempted++;
        const outcome: ToolOutcome = await profile.crm(rec, crmRequest(call.name, args));
        if (write && outcome.ok && 'landed' in outcome && outcome.landed) rec.writesLanded++;
        if (write && !outcome.ok) writeRejected = true;
        output = outcome.ok ? outcome.data : { error: outcome.error, status: outcome.status };
      } else {
        output = { error: `unknown tool ${call.name}` };
        needsAnotherRound = true;
      }
      results.push({ role: 'tool', tool_call_id: call.id, content: JSON.stringify(output) });
    }
    rec.toolsMs += performance.now() - toolsStarted;
    session.history.push({
      role: 'assistant',
      content: answer.content === '' ? null : answer.content,
      tool_calls: answer.toolCalls.map((c) => ({
        id: c.id,
        type: 'function' as const,
        function: { name: c.name, arguments: c.arguments },
      })),
    });
    session.history.push(...results);
    if (!needsAnotherRound) break;
    content = '';
  }

  if (writeRejected && profile.scriptedFallback) {
    // Production never tells a caller that a write it could not make was made.
    return { text: WRITE_FAILED_NOTICE, action: 'transfer', reason: 'crm_write_failed' };
  }
  let text = content;
  if (terminal?.action === 'transfer') text ||= transferLine(terminal.reason ?? 'unspecified');
  else if (terminal?.action === 'end') text ||= GOODBYE;
  else text ||= FALLBACK_CONTINUE;
  if (rec.writesDeadLettered > 0) text = `${text} ${DEAD_LETTER_NOTICE}`;
  session.history.push({ role: 'assistant', content: text });
  if (terminal?.action === 'transfer')
    return { text, action: 'transfer', reason: terminal.reason ?? 'unspecified' };
  if (terminal?.action === 'end') return { text, action: 'end' };
  return { text, action: 'continue' };
}

async function speak(
  ctx: TurnContext,
  session: AgentSession,
  rec: TurnRecorder,
  decision: TurnDecision,
): Promise<TurnResponse> {
  let { text, action, reason } = decision;
  rec.ttsCharacters += text.length;
  const speech = await ctx.profile.speak(rec, text);
  let audioMs: number;
  if (speech) {
    audioMs = speech.audioMs;
  } else {
    // No TTS: the caller would hear nothing. Play the pre-recorded hold prompt and hand over.
    if (action === 'continue') {
      action = 'transfer';
      reason = 'tts_unavailable';
      text = transferLine(reason);
      rec.tier = 'human';
    }
    audioMs = estimateAudioMs(text);
  }
  session.lastReply = { text, audioMs };
  if (action !== 'continue') session.end(action);
  return {
    reply: { text, audioMs },
    action,
    ...(action === 'transfer'
      ? { transfer: { queue: ctx.config.humanQueue, reason: reason ?? 'unspecified' } }
      : {}),
    telemetry: rec.telemetry(ctx.profile.name),
  };
}
