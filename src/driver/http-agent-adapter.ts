import { Agent, errors, request } from 'undici';
import type { z } from 'zod';
import {
  CALL_HEADER,
  CALLS_PATH,
  type CreateCallResponse,
  callPath,
  createCallResponseSchema,
  RUN_HEADER,
  type TurnRequest,
  type TurnResponse,
  turnResponseSchema,
  turnsPath,
} from '../protocol/agent-protocol.ts';
import { type AgentAdapter, AgentCallError, type CallContext } from './agent-adapter.ts';

export interface HttpAgentAdapterOptions {
  /** Base URL of the agent, e.g. http://127.0.0.1:8080. */
  readonly url: string;
  /** Keep-alive connections to the agent (default 256). */
  readonly connections?: number;
  /** Give up on one request after this long (default 30 s); the caller's patience usually ends it first. */
  readonly requestTimeoutMs?: number;
}

function classify(error: unknown): AgentCallError {
  if (error instanceof AgentCallError) return error;
  if (error instanceof errors.HeadersTimeoutError || error instanceof errors.BodyTimeoutError) {
    return new AgentCallError('timeout', error.message);
  }
  const message = error instanceof Error ? error.message : String(error);
  return new AgentCallError('network-error', message);
}

/**
 * A turn request as JSON text. Base64 needs no JSON escaping, so the audio (most of the bytes) is
 * spliced in rather than scanned by JSON.stringify: the driver's hottest path.
 */
export function turnBody(r: TurnRequest): string {
  const barge = r.bargeIn ? `,"bargeIn":{"atMs":${r.bargeIn.atMs}}` : '';
  return `{"turn":${r.turn},"utterance":{"id":${JSON.stringify(r.utterance.id)},"audio":"${r.utterance.audio}","speechMs":${r.utterance.speechMs}}${barge}}`;
}

/** The callstorm HTTP agent protocol v1 over a keep-alive pool (undici). */
export function createHttpAgentAdapter(options: HttpAgentAdapterOptions): AgentAdapter {
  const base = options.url.replace(/\/+$/, '');
  const timeout = options.requestTimeoutMs ?? 30_000;
  const dispatcher = new Agent({
    connections: options.connections ?? 256,
    keepAliveTimeout: 30_000,
    headersTimeout: timeout,
    bodyTimeout: timeout,
  });
  // No content-type without a body: a JSON content-type on an empty DELETE is a 400 to most servers.
  const headers = (ctx: CallContext, withBody: boolean): Record<string, string> => ({
    ...(withBody ? { 'content-type': 'application/json' } : {}),
    [RUN_HEADER]: ctx.runId,
    [CALL_HEADER]: ctx.plan.id,
  });

  async function call<S extends z.ZodType>(
    method: 'POST' | 'DELETE',
    path: string,
    ctx: CallContext,
    body: unknown,
    schema: S | null,
    expected: number,
    signal?: AbortSignal,
  ): Promise<z.output<S> | undefined> {
    let res: Awaited<ReturnType<typeof request>>;
    try {
      res = await request(`${base}${path}`, {
        method,
        headers: headers(ctx, body !== undefined),
        body: body === undefined ? null : typeof body === 'string' ? body : JSON.stringify(body),
        dispatcher,
        ...(signal ? { signal } : {}),
      });
    } catch (error) {
      if (signal?.aborted) throw signal.reason;
      throw classify(error);
    }
    let text: string;
    try {
      text = await res.body.text();
    } catch (error) {
      if (signal?.aborted) throw signal.reason;
      throw classify(error);
    }
    if (res.statusCode !== expected) {
      const kind = res.statusCode >= 500 ? 'http-error' : 'protocol-error';
      throw new AgentCallError(
        kind,
        `${method} ${path} answered ${res.statusCode}: ${text.slice(0, 300)}`,
        res.statusCode,
      );
    }
    if (!schema) return undefined;
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      throw new AgentCallError('protocol-error', `${method} ${path}: body is not JSON`, res.statusCode);
    }
    const parsed = schema.safeParse(json);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new AgentCallError(
        'protocol-error',
        `${method} ${path}: ${issue?.path.join('.') || 'body'}: ${issue?.message}`,
        res.statusCode,
      );
    }
    return parsed.data;
  }

  return {
    name: `http ${base}`,
    async startCall(ctx, signal) {
      const { plan } = ctx;
      const body = {
        callId: plan.id,
        from: plan.caller.phone,
        to: '0800 000 0000',
        locale: plan.locale,
        region: plan.region,
        consentRequired: plan.consentRequired,
      };
      return (await call(
        'POST',
        CALLS_PATH,
        ctx,
        body,
        createCallResponseSchema,
        201,
        signal,
      )) as CreateCallResponse;
    },
    async turn(ctx, sessionId, turnRequest: TurnRequest, signal) {
      return (await call(
        'POST',
        turnsPath(sessionId),
        ctx,
        turnBody(turnRequest),
        turnResponseSchema,
        200,
        signal,
      )) as TurnResponse;
    },
    async hangUp(ctx, sessionId) {
      try {
        await call('DELETE', callPath(sessionId), ctx, undefined, null, 204);
      } catch {
        // The caller is gone either way.
      }
    },
    async close() {
      await dispatcher.close();
    },
  };
}
