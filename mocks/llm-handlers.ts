import { type HttpHandler, HttpResponse, http } from 'msw';
import type { LlmConversationModel } from '../simulators/dependencies/llm-conversation-model.ts';
import type { LlmEvidenceLog } from '../simulators/dependencies/llm-evidence-log.ts';
import { LlmLatencyModel, type LlmLatencyOptions } from '../simulators/dependencies/llm-latency-model.ts';
import { hash32, seeded } from '../simulators/seeded-random.ts';
import { sleep } from '../src/util/abortable-sleep.ts';
import { faultGate } from './fault-gate.ts';
import { type FaultSource, noFaults } from './fault-source.ts';
import {
  type CompletionMeta,
  completionBody,
  cutChunk,
  parseChatRequest,
  streamPieces,
  tokensOf,
  toWireAnswer,
  usageChunk,
} from './llm-wire.ts';

export interface LlmHandlerOptions {
  /** Named endpoint, e.g. `llm-primary-eu`; fault targeting and the `x-callstorm-endpoint` header. */
  endpoint: string;
  /** Region the endpoint processes data in (`eu`, `us`): the `x-callstorm-region` header. */
  region: string;
  /** What the model says (shared by every endpoint of a run: one ground truth). */
  conversation: LlmConversationModel;
  /** Seed of latency, fault draws and ids (default 0). */
  seed?: string | number;
  /** `false` answers instantly; otherwise overrides DEFAULT_LLM_LATENCY. Fault delays always apply. */
  latency?: Partial<LlmLatencyOptions> | false;
  faults?: FaultSource;
  /** Prefix of the handler paths: `*` (default) matches any origin; or e.g. `http://llm-us.sim`. */
  baseUrl?: string;
  /** Wall clock for `created` and the evidence log (default Date.now). */
  now?: () => number;
  /**
   * Where the simulator notes, per call and turn, what it classified and the tool calls it sent in
   * full (shared by every endpoint of a suite). Default: none kept.
   */
  evidence?: LlmEvidenceLog;
}

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

function randomId(prefix: string, length: number, ...parts: (string | number)[]): string {
  const rng = seeded('llm-id', ...parts);
  let out = prefix;
  for (let i = 0; i < length; i++) out += ALPHABET[Math.floor(rng() * ALPHABET.length)];
  return out;
}

function openAiError(status: number, message: string, param: string | null = null) {
  const type = status === 429 ? 'requests' : status >= 500 ? 'server_error' : 'invalid_request_error';
  const code = status === 429 ? 'rate_limit_exceeded' : status === 400 ? 'invalid_value' : null;
  return { error: { message, type, param, code } };
}

const encoder = new TextEncoder();
const sse = (data: unknown): Uint8Array =>
  encoder.encode(`data: ${typeof data === 'string' ? data : JSON.stringify(data)}\n\n`);

/** OpenAI-compatible `POST /v1/chat/completions` (streaming and not, with tools) for one named endpoint. */
export function createLlmHandlers(options: LlmHandlerOptions): HttpHandler[] {
  const { endpoint, region, conversation } = options;
  const seed = options.seed ?? 0;
  const faults = options.faults ?? noFaults;
  const now = options.now ?? Date.now;
  const latency = new LlmLatencyModel({
    seed: `${seed}:${endpoint}`,
    ...(options.latency === undefined ? {} : { latency: options.latency }),
  });
  const seen = new Map<number, number>();

  return [
    http.post(`${options.baseUrl ?? '*'}/v1/chat/completions`, async ({ request }) => {
      const raw = await request.text();
      const bodyHash = hash32(raw);
      const n = (seen.get(bodyHash) ?? 0) + 1;
      seen.set(bodyHash, n);
      const requestId = randomId('req_', 24, seed, endpoint, bodyHash, n);
      const headers = {
        'x-callstorm-region': region,
        'x-callstorm-endpoint': endpoint,
        'x-request-id': requestId,
      };

      let body: unknown;
      try {
        body = JSON.parse(raw);
      } catch {
        return HttpResponse.json(openAiError(400, 'We could not parse the JSON body of your request.'), {
          status: 400,
          headers,
        });
      }
      const parsed = parseChatRequest(body);
      if (!parsed.ok)
        return HttpResponse.json(openAiError(400, parsed.message, parsed.param), { status: 400, headers });
      const req = parsed.request;

      const known = conversation.resolve(req.messages);
      const gate = await faultGate({
        faults,
        signal: request.signal,
        context: {
          simulator: 'llm',
          endpoint,
          method: 'POST',
          path: '/v1/chat/completions',
          ...(known ? { cohort: known.plan.cohort, callId: known.plan.id } : {}),
        },
        rngKey: [seed, 'llm-faults', endpoint, bodyHash, n],
        headers,
        errorBody: (status, message) => openAiError(status, message),
      });
      if (gate.response) return gate.response;
      const { effects } = gate;

      const answer = conversation.respond(
        { messages: req.messages, tools: req.tools, wrongIntentRate: effects.llm.wrongIntentRate },
        known,
      );
      const evidence = options.evidence;
      if (answer.turn && answer.classification) evidence?.answered(answer.turn, answer.classification);
      else evidence?.unlinked();
      const meta: CompletionMeta = {
        id: randomId('chatcmpl-', 29, seed, endpoint, bodyHash, n),
        created: Math.floor(now() / 1000),
        model: req.model,
      };
      const wire = toWireAnswer(answer, req, (i) => randomId('call_', 24, seed, endpoint, bodyHash, n, i));
      /** Tool call `i` reached the client in full: the evidence log has it from now on. */
      const sent = (i: number) => {
        const call = answer.toolCalls[i];
        if (answer.turn && call && wire.toolCalls.length > 0)
          evidence?.toolCallSent(answer.turn, call, endpoint, now());
      };
      const timing = latency.timing({
        key: `${bodyHash}:${n}`,
        promptTokens: tokensOf(req.promptChars),
        completionTokens: wire.usage.completion_tokens,
        firstTokenDelayMs: effects.llm.firstTokenDelayMs,
      });

      if (!req.stream) {
        await sleep(timing.totalMs, request.signal);
        if (!request.signal.aborted) for (let i = 0; i < wire.toolCalls.length; i++) sent(i);
        return HttpResponse.json(completionBody(meta, wire), { headers });
      }

      const pieces = streamPieces(meta, wire, req.includeUsage);
      const truncateAt = effects.llm.truncateAfterChars;
      const signal = request.signal;
      const emit = async (controller: ReadableStreamDefaultController<Uint8Array>) => {
        const started = performance.now();
        await sleep(timing.firstTokenMs, signal);
        let tokens = 0;
        let chars = 0;
        for (const piece of pieces) {
          if (signal.aborted) break;
          tokens += piece.tokens;
          const due = timing.firstTokenMs + Math.max(0, tokens - 1) * timing.perTokenMs;
          const wait = due - (performance.now() - started);
          if (wait > 4) await sleep(wait, signal);
          if (truncateAt !== undefined && chars + piece.chars > truncateAt) {
            // The connection drops mid-answer: no finish_reason, no usage, no [DONE].
            const keep = truncateAt - chars;
            if (keep > 0) controller.enqueue(sse(cutChunk(piece.chunk, keep)));
            controller.close();
            return;
          }
          chars += piece.chars;
          controller.enqueue(sse(piece.chunk));
          if (piece.completes !== undefined) sent(piece.completes);
        }
        if (req.includeUsage) controller.enqueue(sse(usageChunk(meta, wire.usage)));
        controller.enqueue(sse('[DONE]'));
        controller.close();
      };
      const stream = new ReadableStream<Uint8Array>({
        start(controller) {
          // Not awaited: the body streams while the chunks are produced.
          emit(controller).catch(() => {
            // The client went away: nothing left to send.
          });
        },
      });
      return new HttpResponse(stream, {
        headers: {
          ...headers,
          'content-type': 'text/event-stream; charset=utf-8',
          'cache-control': 'no-cache',
        },
      });
    }),
  ];
}
