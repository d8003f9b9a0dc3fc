import { once } from 'node:events';
import type { IncomingMessage, ServerResponse } from 'node:http';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { getResponse, matchRequestUrl, type RequestHandler } from 'msw';
import type { SimulatorKind } from '../simulators/dependencies/faults/fault-effects.ts';
import { faultRegistry } from '../simulators/dependencies/faults/fault-registry.ts';
import type { FaultSet, FaultSpec } from '../simulators/dependencies/faults/fault-set.ts';
import { CallstormError } from '../src/errors/callstorm-error.ts';
import type { ErrorCode } from '../src/errors/catalogue.ts';
import { isLoopbackAddress } from './is-loopback-address.ts';
import { SimulatorCounters } from './simulator-counters.ts';

/** Extra read-outs of a simulator's state: `GET /__callstorm/<name>`, and `DELETE` to reset. */
export interface ControlView {
  get(): unknown;
  reset?(): void;
}

/**
 * A control request that computes something from a JSON body: `POST /__callstorm/<name>`. `run`
 * validates the body itself (zod at the boundary) and throws a CallstormError for a bad request,
 * which is answered 404 for an unknown call id and 400 otherwise, as `{error:{code,message,hint}}`.
 */
export interface ControlAction {
  run(body: unknown): unknown;
}

export interface SimulatorControl {
  /** e.g. `{ ledger: ... }` for the CRM. Names must not clash with the built-in endpoints. */
  readonly views?: Readonly<Record<string, ControlView>>;
  /** e.g. `{ 'ledger/reconcile': ... }` for the CRM; the first path segment must not be a built-in one. */
  readonly actions?: Readonly<Record<string, ControlAction>>;
}

/** HTTP status of a CallstormError thrown by a control action (default 400). */
const ACTION_ERROR_STATUS: Partial<Record<ErrorCode, number>> = { CS_ERR_UNKNOWN_CALL: 404 };

export interface SimulatorHostOptions {
  /** Endpoint name, e.g. `crm` or `llm-primary-eu`. */
  readonly name: string;
  readonly kind: SimulatorKind;
  /** The simulator's msw handlers: the same ones `setupServer` uses in-process. */
  readonly handlers: readonly RequestHandler[];
  /** The simulator's fault set, which the handlers consult and the control API edits. */
  readonly faults: FaultSet;
  readonly control?: SimulatorControl;
  /** Default 127.0.0.1. */
  readonly host?: string;
  /** Default 0 (a free port). */
  readonly port?: number;
  /** Largest request body accepted (bytes); default 32 MiB (audio uploads). */
  readonly bodyLimit?: number;
}

export interface SimulatorHost {
  /** Base URL of the simulated API, e.g. `http://127.0.0.1:40123`. */
  readonly url: string;
  /** Base URL of the control API: `<url>/__callstorm`. */
  readonly controlUrl: string;
  /** The fastify instance (for `inject` in tests). */
  readonly app: FastifyInstance;
  /** Releases hung and streaming requests, then stops listening. */
  close(): Promise<void>;
}

export const CONTROL_PREFIX = '/__callstorm';
const BUILT_IN = new Set(['health', 'counters', 'faults', 'fault-types']);
const HOP_BY_HOP = new Set([
  'connection',
  'content-length',
  'host',
  'keep-alive',
  'transfer-encoding',
  'upgrade',
  'expect',
]);

/** Starts a simulator on a real port: its handlers over HTTP plus the loopback-only control API. */
export async function startSimulatorHost(options: SimulatorHostOptions): Promise<SimulatorHost> {
  const host = options.host ?? '127.0.0.1';
  const built = buildSimulatorHost(options);
  try {
    await built.app.listen({ host, port: options.port ?? 0 });
  } catch (error) {
    await built.close();
    throw new CallstormError(
      'CS_ERR_PORT_IN_USE',
      { host, port: options.port ?? 0, reason: String(error) },
      { cause: error },
    );
  }
  const address = built.app.server.address();
  const port = typeof address === 'object' && address ? address.port : (options.port ?? 0);
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  built.setBaseUrl(url);
  return { url, controlUrl: `${url}${CONTROL_PREFIX}`, app: built.app, close: built.close };
}

/** The host without listening: for `app.inject()` in tests. `close()` releases in-flight requests. */
export function buildSimulatorHost(options: SimulatorHostOptions): {
  app: FastifyInstance;
  close: () => Promise<void>;
  setBaseUrl: (url: string) => void;
} {
  for (const name of [
    ...Object.keys(options.control?.views ?? {}),
    ...Object.keys(options.control?.actions ?? {}),
  ]) {
    if (BUILT_IN.has(name.split('/')[0]!))
      throw new RangeError(`control view name "${name}" clashes with a built-in control endpoint`);
  }
  const app = Fastify({
    logger: false,
    bodyLimit: options.bodyLimit ?? 32 * 1024 * 1024,
    forceCloseConnections: true,
  });
  const routes = routeLabels(options.handlers);
  const counters = new SimulatorCounters(routes.map((r) => r.label));
  const inFlight = new Set<AbortController>();
  let baseUrl = 'http://127.0.0.1';
  const startedAt = Date.now();

  // Control API: loopback only, before any parsing.
  app.addHook('onRequest', async (request, reply) => {
    if (!request.url.startsWith(`${CONTROL_PREFIX}/`) && request.url !== CONTROL_PREFIX) return;
    const address = request.socket.remoteAddress ?? request.ip;
    if (!isLoopbackAddress(address)) {
      return reply
        .code(403)
        .send(errorBody(new CallstormError('CS_ERR_CONTROL_FORBIDDEN', { address: address ?? 'unknown' })));
    }
  });

  app.register(
    async (control) => {
      control.get('/health', async () => ({
        status: 'ok',
        name: options.name,
        kind: options.kind,
        uptimeMs: Date.now() - startedAt,
      }));
      control.get('/counters', async () => ({
        name: options.name,
        kind: options.kind,
        ...counters.snapshot(),
        faults: options.faults.list().map(({ id, type, touched }) => ({ id, type, touched })),
      }));
      control.delete('/counters', async (_request, reply) => {
        counters.reset();
        options.faults.resetCounters();
        return reply.code(204).send();
      });
      control.get('/fault-types', async () =>
        Object.values(faultRegistry)
          .filter((f) => f.appliesTo.includes(options.kind))
          .map((f) => ({ type: f.type, description: f.description, appliesTo: f.appliesTo })),
      );
      control.get('/faults', async () => options.faults.list());
      const putFault = async (request: FastifyRequest, reply: FastifyReply, id?: string) => {
        const body = request.body;
        if (body === null || typeof body !== 'object' || Array.isArray(body)) {
          const error = new CallstormError('CS_ERR_FAULT_INVALID', {
            fault: '?',
            reason: 'the body must be a JSON fault spec',
          });
          return reply.code(400).send(errorBody(error));
        }
        try {
          const spec = (id === undefined ? body : { ...body, id }) as FaultSpec;
          return reply.code(200).send(options.faults.set(spec));
        } catch (error) {
          if (error instanceof CallstormError) return reply.code(400).send(errorBody(error));
          throw error;
        }
      };
      control.put('/faults', (request, reply) => putFault(request, reply));
      control.put<{ Params: { id: string } }>('/faults/:id', (request, reply) =>
        putFault(request, reply, request.params.id),
      );
      control.delete('/faults', async () => ({ cleared: options.faults.clearAll() }));
      control.delete<{ Params: { id: string } }>('/faults/:id', async (request, reply) => {
        if (options.faults.clear(request.params.id)) return reply.code(204).send();
        const error = new CallstormError('CS_ERR_FAULT_NOT_FOUND', {
          id: request.params.id,
          simulator: options.name,
        });
        return reply.code(404).send(errorBody(error));
      });
      for (const [name, view] of Object.entries(options.control?.views ?? {})) {
        control.get(`/${name}`, async () => view.get());
        if (view.reset) {
          control.delete(`/${name}`, async (_request, reply) => {
            view.reset?.();
            return reply.code(204).send();
          });
        }
      }
      for (const [name, action] of Object.entries(options.control?.actions ?? {})) {
        control.post(`/${name}`, async (request, reply) => {
          try {
            return reply.code(200).send(action.run(request.body ?? null));
          } catch (error) {
            if (!(error instanceof CallstormError)) throw error;
            return reply.code(ACTION_ERROR_STATUS[error.code] ?? 400).send(errorBody(error));
          }
        });
      }
      control.all('/*', async (request, reply) =>
        reply.code(404).send({
          error: {
            code: 'CS_ERR_UNKNOWN_NAME',
            message: `no control endpoint ${request.method} ${request.url}`,
          },
        }),
      );
    },
    { prefix: CONTROL_PREFIX },
  );

  // The simulated API: every other request goes through the msw handlers, body as raw bytes.
  app.register(async (simulated) => {
    simulated.removeAllContentTypeParsers();
    simulated.addContentTypeParser('*', { parseAs: 'buffer' }, (_request, body, done) => done(null, body));
    simulated.all('/*', async (request, reply) => {
      reply.hijack();
      await serve(request, reply.raw);
    });
  });

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
      const response = await getResponse([...options.handlers], webRequest, { baseUrl });
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

  let closing: Promise<void> | undefined;
  const close = (): Promise<void> => {
    closing ??= (async () => {
      for (const controller of inFlight) controller.abort(new Error('simulator host closing'));
      await app.close();
    })();
    return closing;
  };
  const setBaseUrl = (url: string): void => {
    baseUrl = url;
  };
  return { app, close, setBaseUrl };
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

function errorBody(error: CallstormError): { error: { code: string; message: string; hint: string } } {
  return { error: { code: error.code, message: error.message, hint: error.hint } };
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
