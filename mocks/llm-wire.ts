import type { ChatCompletion, ChatCompletionChunk } from 'openai/resources/chat/completions';
import type { CompletionUsage } from 'openai/resources/completions';
import type { ChatTurnMessage, ModelAnswer } from '../simulators/dependencies/llm-conversation-model.ts';

/** The parts of an OpenAI chat completions request the simulator reads. */
export interface ParsedChatRequest {
  model: string;
  messages: ChatTurnMessage[];
  tools: string[];
  /** Characters of the request the prompt-token count is estimated from. */
  promptChars: number;
  stream: boolean;
  includeUsage: boolean;
  maxTokens: number | undefined;
}

export type ParseResult =
  | { ok: true; request: ParsedChatRequest }
  | { ok: false; param: string; message: string };

const ROLES = new Set(['system', 'developer', 'user', 'assistant', 'tool']);

function textOf(content: unknown): string {
  if (typeof content === 'string') return content;
  if (Array.isArray(content)) {
    return content
      .map((p) => (p && typeof p === 'object' && 'text' in p && typeof p.text === 'string' ? p.text : ''))
      .join(' ');
  }
  return '';
}

export function parseChatRequest(body: unknown): ParseResult {
  if (!body || typeof body !== 'object')
    return { ok: false, param: 'body', message: 'the request body must be a JSON object' };
  const b = body as Record<string, unknown>;
  if (!Array.isArray(b['messages']) || b['messages'].length === 0) {
    return { ok: false, param: 'messages', message: "'messages' must be a non-empty array" };
  }
  const messages: ChatTurnMessage[] = [];
  for (const [i, m] of (b['messages'] as unknown[]).entries()) {
    const role = m && typeof m === 'object' && 'role' in m ? (m as { role: unknown }).role : undefined;
    if (typeof role !== 'string' || !ROLES.has(role)) {
      return {
        ok: false,
        param: `messages[${i}].role`,
        message: `messages[${i}].role must be one of ${[...ROLES].join(', ')}`,
      };
    }
    messages.push({
      role: role as ChatTurnMessage['role'],
      content: textOf((m as { content?: unknown }).content),
    });
  }
  const toolChoice = b['tool_choice'];
  const tools =
    toolChoice === 'none' || !Array.isArray(b['tools'])
      ? []
      : (b['tools'] as unknown[])
          .map((t) => (t as { function?: { name?: unknown } })?.function?.name)
          .filter((n): n is string => typeof n === 'string');
  const max = b['max_completion_tokens'] ?? b['max_tokens'];
  const streamOptions = b['stream_options'] as { include_usage?: unknown } | undefined;
  return {
    ok: true,
    request: {
      model: typeof b['model'] === 'string' ? b['model'] : 'callstorm-sim',
      messages,
      tools,
      promptChars:
        JSON.stringify(b['messages']).length + (b['tools'] ? JSON.stringify(b['tools']).length : 0),
      stream: b['stream'] === true,
      includeUsage: b['stream'] === true && streamOptions?.include_usage === true,
      maxTokens: typeof max === 'number' && max > 0 ? Math.floor(max) : undefined,
    },
  };
}

/** ≈ 4 characters a token, the usual rule of thumb for English. */
export const tokensOf = (chars: number): number => Math.max(1, Math.ceil(chars / 4));

export interface WireToolCall {
  id: string;
  name: string;
  arguments: string;
}

/** An answer ready for the wire: text, serialised tool calls, finish reason and usage. */
export interface WireAnswer {
  content: string | null;
  toolCalls: WireToolCall[];
  finishReason: 'stop' | 'tool_calls' | 'length';
  usage: CompletionUsage;
}

export function toWireAnswer(
  answer: ModelAnswer,
  request: ParsedChatRequest,
  toolCallId: (i: number) => string,
): WireAnswer {
  let content = answer.content;
  let toolCalls = answer.toolCalls.map((c, i) => ({
    id: toolCallId(i),
    name: c.name,
    arguments: JSON.stringify(c.arguments),
  }));
  const chars =
    (content?.length ?? 0) + toolCalls.reduce((a, c) => a + c.name.length + c.arguments.length + 12, 0);
  let completionTokens = tokensOf(chars);
  let finishReason: WireAnswer['finishReason'] = toolCalls.length > 0 ? 'tool_calls' : 'stop';
  if (request.maxTokens !== undefined && completionTokens > request.maxTokens) {
    // Out of tokens: the text stops mid-way and the tool calls never get written.
    content = (content ?? '').slice(0, request.maxTokens * 4);
    toolCalls = [];
    completionTokens = request.maxTokens;
    finishReason = 'length';
  }
  const promptTokens = tokensOf(request.promptChars);
  return {
    content,
    toolCalls,
    finishReason,
    usage: {
      prompt_tokens: promptTokens,
      completion_tokens: completionTokens,
      total_tokens: promptTokens + completionTokens,
    },
  };
}

export interface CompletionMeta {
  id: string;
  created: number;
  model: string;
}

export function completionBody(meta: CompletionMeta, answer: WireAnswer): ChatCompletion {
  return {
    id: meta.id,
    object: 'chat.completion',
    created: meta.created,
    model: meta.model,
    choices: [
      {
        index: 0,
        message: {
          role: 'assistant',
          content: answer.content,
          refusal: null,
          ...(answer.toolCalls.length > 0
            ? {
                tool_calls: answer.toolCalls.map((c) => ({
                  id: c.id,
                  type: 'function' as const,
                  function: { name: c.name, arguments: c.arguments },
                })),
              }
            : {}),
        },
        logprobs: null,
        finish_reason: answer.finishReason,
      },
    ],
    usage: answer.usage,
    service_tier: 'default',
    system_fingerprint: 'fp_callstorm',
  };
}

/** Text split into token-sized pieces (words with their trailing space). */
export function textPieces(text: string): string[] {
  return text.match(/\S+\s*|\s+/g) ?? [];
}

/** A piece of the stream: a chunk and how many tokens it represents (for pacing). */
export interface StreamPiece {
  chunk: ChatCompletionChunk;
  tokens: number;
  /** Characters of generated text in the chunk (content or tool-call arguments). */
  chars: number;
  /** Set on the chunk that completes tool call number `completes` (its last argument fragment). */
  completes?: number;
}

/** The chunks of a streamed answer, in order, up to and including the one with finish_reason. */
export function streamPieces(meta: CompletionMeta, answer: WireAnswer, includeUsage: boolean): StreamPiece[] {
  const chunk = (
    delta: ChatCompletionChunk.Choice.Delta,
    finish: ChatCompletionChunk.Choice['finish_reason'] = null,
  ): ChatCompletionChunk => ({
    id: meta.id,
    object: 'chat.completion.chunk',
    created: meta.created,
    model: meta.model,
    service_tier: 'default',
    system_fingerprint: 'fp_callstorm',
    choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }],
    ...(includeUsage ? { usage: null } : {}),
  });
  const pieces: StreamPiece[] = [
    { chunk: chunk({ role: 'assistant', content: '', refusal: null }), tokens: 0, chars: 0 },
  ];
  for (const text of textPieces(answer.content ?? '')) {
    pieces.push({ chunk: chunk({ content: text }), tokens: 1, chars: text.length });
  }
  answer.toolCalls.forEach((call, index) => {
    pieces.push({
      chunk: chunk({
        tool_calls: [{ index, id: call.id, type: 'function', function: { name: call.name, arguments: '' } }],
      }),
      tokens: 1,
      chars: 0,
    });
    for (let at = 0; at < call.arguments.length; at += 12) {
      const part = call.arguments.slice(at, at + 12);
      pieces.push({
        chunk: chunk({ tool_calls: [{ index, function: { arguments: part } }] }),
        tokens: 3,
        chars: part.length,
      });
    }
    pieces[pieces.length - 1]!.completes = index;
  });
  pieces.push({ chunk: chunk({}, answer.finishReason), tokens: 0, chars: 0 });
  return pieces;
}

export function usageChunk(meta: CompletionMeta, usage: CompletionUsage): ChatCompletionChunk {
  return {
    id: meta.id,
    object: 'chat.completion.chunk',
    created: meta.created,
    model: meta.model,
    service_tier: 'default',
    system_fingerprint: 'fp_callstorm',
    choices: [],
    usage,
  };
}

/** Cuts a chunk's generated text to `keep` characters (for a truncated stream). */
export function cutChunk(chunk: ChatCompletionChunk, keep: number): ChatCompletionChunk {
  const choice = chunk.choices[0]!;
  const delta = { ...choice.delta };
  if (typeof delta.content === 'string') delta.content = delta.content.slice(0, keep);
  if (delta.tool_calls) {
    delta.tool_calls = delta.tool_calls.map((t) => ({
      ...t,
      ...(t.function
        ? { function: { ...t.function, arguments: (t.function.arguments ?? '').slice(0, keep) } }
        : {}),
    }));
  }
  return { ...chunk, choices: [{ ...choice, delta }] };
}
