import { Agent, type Dispatcher, errors, request } from 'undici';
import type { z } from 'zod';
import {
  CALL_HEADER,
  CALLS_PATH,
  type CreateCallResponse,
  callPath,
  createCallResponseSchema,
  MAX_RESPONSE_BYTES,
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
  /**
   * Deadline of one POST, headers and whole body (default 30 s); the caller's patience usually
   * ends a turn first.
   */
  readonly requestTimeoutMs?: number;
  /** Deadline of a hang-up (DELETE), whole answer included (default 5 s). */
  readonly hangUpTimeoutMs?: number;
  /** Largest response body read (default MAX_RESPONSE_BYTES, 1 MiB); a bigger one fails the request. */
  readonly maxResponseBytes?: number;
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

/** Reads a response body as text, failing as soon as it passes `cap` bytes (never buffered whole). */
async function readCapped(res: Dispatcher.ResponseData, cap: number, what: string): Promise<string> {
  const over = (size: string) =>
    new AgentCallError(
      'protocol-error',
      `${what}: response body ${size} is over the ${cap}-byte cap (docs/agent-protocol.md)`,
      res.statusCode,
    );
  const declared = Number(res.headers['content-length']);
  if (Number.isFinite(declared) && declared > cap) {
    res.body.destroy();
    throw over(`of ${declared} bytes`);
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of res.body as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > cap) {
      res.body.destroy();
      throw over(`of more than ${cap} bytes`);
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks, size).toString('utf8');
}

/** A signal that aborts with the caller's reason, or with a timeout AgentCallError after `ms`. */
function withDeadline(ms: number, what: string, outer: AbortSignal | undefined) {
  const controller = new AbortController();
  const onOuter = () => controller.abort(outer?.reason);
  if (outer?.aborted) onOuter();
  else outer?.addEventListener('abort', onOuter, { once: true });
  const timer = setTimeout(
    () => controller.abort(new AgentCallError('timeout', `${what}: no complete answer within ${ms} ms`)),
    ms,
  );
  return {
    signal: controller.signal,
    dispose() {
      clearTimeout(timer);
      outer?.removeEventListener('abort', onOuter);
    },
  };
}

/** The callstorm HTTP agent protocol v1 over a keep-alive pool (undici); every request has a deadline. */
export function createHttpAgentAdapter(options: HttpAgentAdapterOptions): AgentAdapter {
  const base = options.url.replace(/\/+$/, '');
  const timeout = options.requestTimeoutMs ?? 30_000;
  const hangUpTimeout = options.hangUpTimeoutMs ?? 5_000;
  const cap = options.maxResponseBytes ?? MAX_RESPONSE_BYTES;
  const dispatcher = new Agent({
    connections: options.connections ?? 256,
    keepAliveTimeout: 30_000,
    headersTimeout: timeout,
    bodyTimeout: timeout,
  });
  const hangUps = new Set<Promise<void>>();
  let closing: Promise<void> | null = null;
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
    const what = `${method} ${path}`;
    const deadline = withDeadline(method === 'DELETE' ? hangUpTimeout : timeout, what, signal);
    let status: number;
    let text: string;
    try {
      const res = await request(`${base}${path}`, {
        method,
        headers: headers(ctx, body !== undefined),
        body: body === undefined ? null : typeof body === 'string' ? body : JSON.stringify(body),
        dispatcher,
        signal: deadline.signal,
      });
      status = res.statusCode;
      text = await readCapped(res, cap, what);
    } catch (error) {
      if (signal?.aborted) throw signal.reason;
      if (deadline.signal.aborted) throw deadline.signal.reason;
      throw classify(error);
    } finally {
      deadline.dispose();
    }
    if (status !== expected) {
      const kind = status >= 500 ? 'http-error' : 'protocol-error';
      throw new AgentCallError(kind, `${what} answered ${status}: ${text.slice(0, 300)}`, status);
    }
    if (!schema) return undefined;
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      throw new AgentCallError('protocol-error', `${what}: body is not JSON`, status);
    }
    const parsed = schema.safeParse(json);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new AgentCallError(
        'protocol-error',
        `${what}: ${issue?.path.join('.') || 'body'}: ${issue?.message}`,
        status,
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
    hangUp(ctx, sessionId) {
      const sent = call('DELETE', callPath(sessionId), ctx, undefined, null, 204).then(
        () => {},
        // The caller is gone either way.
        () => {},
      );
      hangUps.add(sent);
      void sent.finally(() => hangUps.delete(sent));
      return sent;
    },
    close() {
      closing ??= (async () => {
        // Each hang-up is bounded by its own deadline.
        await Promise.allSettled([...hangUps]);
        await dispatcher.close();
      })();
      return closing;
    },
  };
}
