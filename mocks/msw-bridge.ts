import { once } from 'node:events';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { getResponse, matchRequestUrl, type RequestHandler } from 'msw';
import { SimulatorCounters } from './simulator-counters.ts';

const HOP_BY_HOP = new Set([
  'connection',
  'content-length',
  'host',
  'keep-alive',
  'transfer-encoding',
  'upgrade',
  'expect',
]);

/** Serves a simulator's msw handlers through fastify: the simulated API of a host. */
export interface MswBridge {
  /** A fastify plugin answering every request no other route took, through the handlers. */
  readonly plugin: (simulated: FastifyInstance) => Promise<void>;
  /** Requests served, by route (`<METHOD> <path>` of each handler) and status. */
  readonly counters: SimulatorCounters;
  /** The origin handlers see in `request.url` (the host's URL once it listens). */
  setBaseUrl(url: string): void;
  /** Aborts every request in flight (hung by a fault, sleeping out a latency, or streaming). */
  abortAll(reason: Error): void;
}

/**
 * The bridge between fastify and msw: each request becomes a fetch `Request` (body as raw bytes,
 * an AbortSignal that fires when the client goes away), `getResponse` runs the handlers, and the
 * answer is streamed back as it is produced (SSE works). A handler's network error resets the
 * connection; requests are counted by route.
 */
export function mswBridge(handlers: readonly RequestHandler[]): MswBridge {
  const routes = routeLabels(handlers);
  const counters = new SimulatorCounters(routes.map((r) => r.label));
  const inFlight = new Set<AbortController>();
  let baseUrl = 'http://127.0.0.1';

  async function serve(request: FastifyRequest, res: ServerResponse): Promise<void> {
    const controller = new AbortController();
    inFlight.add(controller);
    const onClose = () => {
      if (!res.writableFinished) controller.abort(new Error('client closed the connection'));
    };
    res.on('close', onClose);
    const webRequest = toWebRequest(request, baseUrl, controller.signal);
    const route = routes.find((r) => r.matches(webRequest))?.label ?? 'unmatched';
    try {
      const response = await getResponse([...handlers], webRequest, { baseUrl });
      if (controller.signal.aborted) {
        counters.countAborted();
        return destroy(request.raw, res);
      }
      if (!response) {
        counters.count(route, 404);
        return sendJson(res, 404, {
          error: { code: 'no_such_route', message: `no route ${request.method} ${request.url}` },
        });
      }
      if (response.type === 'error') {
        counters.countRefused();
        return destroy(request.raw, res);
      }
      counters.count(route, response.status);
      await pipeResponse(response, res, controller.signal);
    } catch (error) {
      if (controller.signal.aborted) {
        counters.countAborted();
        return destroy(request.raw, res);
      }
      counters.count(route, 500);
      if (!res.headersSent)
        sendJson(res, 500, { error: { code: 'CS_ERR_INTERNAL', message: String(error) } });
      else destroy(request.raw, res);
    } finally {
      res.off('close', onClose);
      inFlight.delete(controller);
    }
  }

  return {
    counters,
    async plugin(simulated) {
      simulated.removeAllContentTypeParsers();
      simulated.addContentTypeParser('*', { parseAs: 'buffer' }, (_request, body, done) => done(null, body));
      simulated.all('/*', async (request, reply) => {
        reply.hijack();
        await serve(request, reply.raw);
      });
    },
    setBaseUrl(url) {
      baseUrl = url;
    },
    abortAll(reason) {
      for (const controller of inFlight) controller.abort(reason);
    },
  };
}

function toWebRequest(request: FastifyRequest, baseUrl: string, signal: AbortSignal): Request {
  const headers = new Headers();
  for (const [name, value] of Object.entries(request.headers)) {
    if (value === undefined || HOP_BY_HOP.has(name)) continue;
    for (const v of Array.isArray(value) ? value : [value]) headers.append(name, v);
  }
  const method = request.method.toUpperCase();
  const body = method === 'GET' || method === 'HEAD' ? undefined : (request.body as Buffer | undefined);
  return new Request(new URL(request.url, baseUrl), {
    method,
    headers,
    signal,
    ...(body && body.length > 0 ? { body } : {}),
  });
}

/** Streams the body through as it comes (SSE works); stops if the client goes away. */
async function pipeResponse(response: Response, res: ServerResponse, signal: AbortSignal): Promise<void> {
  const headers: Record<string, string | string[]> = {};
  response.headers.forEach((value, name) => {
    if (name === 'set-cookie') return;
    headers[name] = value;
  });
  const cookies = response.headers.getSetCookie();
  if (cookies.length > 0) headers['set-cookie'] = cookies;
  res.writeHead(response.status, response.statusText || undefined, headers);
  if (!response.body) {
    res.end();
    return;
  }
  res.flushHeaders();
  const reader = response.body.getReader();
  const cancel = () => void reader.cancel(signal.reason).catch(() => {});
  signal.addEventListener('abort', cancel, { once: true });
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      if (!res.write(value)) await Promise.race([once(res, 'drain'), once(res, 'close')]);
      if (signal.aborted) return;
    }
    res.end();
  } finally {
    signal.removeEventListener('abort', cancel);
  }
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

/** An emulated reset: drop the connection without an answer. */
function destroy(req: IncomingMessage, res: ServerResponse): void {
  req.socket.destroy();
  res.destroy();
}

interface RouteLabel {
  readonly label: string;
  matches(request: Request): boolean;
}

/** `METHOD /path/:param` for each msw http handler, to count requests by route. */
function routeLabels(handlers: readonly RequestHandler[]): RouteLabel[] {
  const labels: RouteLabel[] = [];
  for (const handler of handlers) {
    const info = handler.info as { method?: unknown; path?: unknown };
    if (
      typeof info.path !== 'string' ||
      (typeof info.method !== 'string' && !(info.method instanceof RegExp))
    )
      continue;
    const path = info.path;
    const method = info.method;
    const label = `${typeof method === 'string' ? method : 'ALL'} ${path.replace(/^\*/, '').replace(/^https?:\/\/[^/]+/, '')}`;
    if (labels.some((l) => l.label === label)) continue;
    labels.push({
      label,
      matches: (request) =>
        (typeof method === 'string'
          ? method === 'ALL' || method === request.method
          : method.test(request.method)) && matchRequestUrl(new URL(request.url), path).matches,
    });
  }
  return labels;
}
