import OpenAI from 'openai';
import type { ChatCompletionMessageParam, ChatCompletionTool } from 'openai/resources/chat/completions';
import type { LlmEndpoint } from './agent-config.ts';
import { DependencyError, toDependencyError } from './dependency-error.ts';

export interface LlmToolCall {
  readonly id: string;
  readonly name: string;
  /** Raw JSON arguments as the model wrote them. */
  readonly arguments: string;
}

export interface LlmAnswer {
  readonly content: string;
  readonly toolCalls: readonly LlmToolCall[];
  readonly finishReason: string | null;
  readonly tokensIn: number;
  readonly tokensOut: number;
  /** performance.now() of the first generated token (content or tool call). */
  readonly firstTokenAt: number | null;
  /** Region that processed the request (the endpoint's `x-callstorm-region`, else the configured one). */
  readonly region: string;
  readonly status: number;
}

export interface LlmRequest {
  readonly messages: ChatCompletionMessageParam[];
  readonly tools: ChatCompletionTool[];
  readonly headers: Record<string, string>;
  readonly signal?: AbortSignal;
  /** Called once, when the first token arrives. */
  readonly onFirstToken?: (at: number) => void;
  /** Production: an answer without finish_reason is an error (truncated stream). Pilot takes what came. */
  readonly requireFinish: boolean;
}

/**
 * One named OpenAI-compatible endpoint through the official SDK, always streaming so that the time
 * to first token is measured, not guessed. `maxRetries` is the SDK's own retry count: the pilot keeps
 * the SDK default (2); the production profile sets 0 and retries through its cockatiel policies.
 */
export class LlmClient {
  readonly endpoint: LlmEndpoint;
  readonly #client: OpenAI;
  readonly #model: string;

  constructor(
    endpoint: LlmEndpoint,
    options: { apiKey: string; model: string; maxRetries?: number; fetch?: typeof fetch },
  ) {
    this.endpoint = endpoint;
    this.#model = options.model;
    const baseURL = /\/v1$/.test(endpoint.url) ? endpoint.url : `${endpoint.url}/v1`;
    this.#client = new OpenAI({
      baseURL,
      apiKey: options.apiKey,
      ...(options.maxRetries !== undefined ? { maxRetries: options.maxRetries } : {}),
    });
  }

  async complete(request: LlmRequest): Promise<LlmAnswer> {
    const name = this.endpoint.name;
    try {
      const { data: stream, response } = await this.#client.chat.completions
        .create(
          {
            model: this.#model,
            messages: request.messages,
            tools: request.tools,
            tool_choice: 'auto',
            parallel_tool_calls: true,
            temperature: 0.2,
            max_completion_tokens: 600,
            stream: true,
            stream_options: { include_usage: true },
          },
          { headers: request.headers, ...(request.signal ? { signal: request.signal } : {}) },
        )
        .withResponse();
      const region = response.headers.get('x-callstorm-region') ?? this.endpoint.region;
      let content = '';
      const calls = new Map<number, { id: string; name: string; arguments: string }>();
      let finishReason: string | null = null;
      let tokensIn = 0;
      let tokensOut = 0;
      let firstTokenAt: number | null = null;
      for await (const chunk of stream) {
        if (chunk.usage) {
          tokensIn = chunk.usage.prompt_tokens;
          tokensOut = chunk.usage.completion_tokens;
        }
        const choice = chunk.choices[0];
        if (!choice) continue;
        const delta = choice.delta;
        const generated =
          (typeof delta.content === 'string' && delta.content.length > 0) ||
          (delta.tool_calls?.length ?? 0) > 0;
        if (generated && firstTokenAt === null) {
          firstTokenAt = performance.now();
          request.onFirstToken?.(firstTokenAt);
        }
        if (typeof delta.content === 'string') content += delta.content;
        for (const part of delta.tool_calls ?? []) {
          const call = calls.get(part.index) ?? { id: '', name: '', arguments: '' };
          if (part.id) call.id = part.id;
          if (part.function?.name) call.name += part.function.name;
          if (part.function?.arguments) call.arguments += part.function.arguments;
          calls.set(part.index, call);
        }
        if (choice.finish_reason) finishReason = choice.finish_reason;
      }
      if (request.requireFinish && finishReason === null) {
        throw new DependencyError(
          'llm',
          name,
          'incomplete',
          'the stream ended without a finish_reason (truncated)',
        );
      }
      if (tokensIn === 0) tokensIn = Math.ceil(JSON.stringify(request.messages).length / 4);
      if (tokensOut === 0)
        tokensOut = Math.ceil(
          (content.length + [...calls.values()].reduce((a, c) => a + c.arguments.length, 0)) / 4,
        );
      return {
        content: content.trim(),
        toolCalls: [...calls.entries()].sort(([a], [b]) => a - b).map(([, c]) => c),
        finishReason,
        tokensIn,
        tokensOut,
        firstTokenAt,
        region,
        status: response.status,
      };
    } catch (error) {
      if (request.signal?.aborted && !(error instanceof DependencyError)) {
        throw new DependencyError('llm', name, 'timeout', 'timed out', { cause: error });
      }
      throw toDependencyError(error, 'llm', name);
    }
  }
}
