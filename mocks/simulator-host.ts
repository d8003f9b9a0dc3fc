import Fastify, { type FastifyInstance } from 'fastify';
import type { RequestHandler } from 'msw';
import type { SimulatorKind } from '../simulators/dependencies/faults/fault-effects.ts';
import type { FaultSet } from '../simulators/dependencies/faults/fault-set.ts';
import { CallstormError } from '../src/errors/callstorm-error.ts';
import {
  CONTROL_AJV_OPTIONS,
  checkControlNames,
  controlApi,
  errorBody,
  type SimulatorControl,
} from './control-api.ts';
import { CONTROL_PREFIX, isControlPath } from './control-path.ts';
import { isLoopbackAddress } from './is-loopback-address.ts';
import { mswBridge } from './msw-bridge.ts';
import { serveUpgrades, type UpgradeRoutes } from './websocket-upgrades.ts';

export interface SimulatorHostOptions {
  /** Endpoint name, e.g. `crm` or `llm-primary-eu`. */
  readonly name: string;
  readonly kind: SimulatorKind;
  /** The simulator's msw handlers: the same ones `setupServer` uses in-process. */
  readonly handlers: readonly RequestHandler[];
  /** WebSocket endpoints on the same port, by path: `{ '/v1/listen': (socket, request) => … }`. */
  readonly upgrades?: UpgradeRoutes;
  /** The simulator's fault set, which the handlers consult and the control API edits. */
  readonly faults: FaultSet;
  readonly control?: SimulatorControl;
  /** Default 127.0.0.1. */
  readonly host?: string;
  /** Default 0 (a free port). */
  readonly port?: number;
  /** Largest request body, and WebSocket message, accepted (bytes); default 32 MiB (audio uploads). */
  readonly bodyLimit?: number;
}

export interface SimulatorHost {
  /** Base URL of the simulated API, e.g. `http://127.0.0.1:40123`. */
  readonly url: string;
  /** Base URL of the control API: `<url>/__callstorm`. */
  readonly controlUrl: string;
  /** The fastify instance (for `inject` in tests). */
  readonly app: FastifyInstance;
  /** Releases hung and streaming requests and open WebSockets, then stops listening. */
  close(): Promise<void>;
}

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

/**
 * The host without listening: for `app.inject()` in tests. Three parts on one fastify instance:
 * the control API (control-api.ts), the simulated API through the msw handlers (msw-bridge.ts)
 * and WebSocket upgrades (websocket-upgrades.ts). `close()` releases in-flight requests.
 */
export function buildSimulatorHost(options: SimulatorHostOptions): {
  app: FastifyInstance;
  close: () => Promise<void>;
  setBaseUrl: (url: string) => void;
} {
  checkControlNames(options.control);
  const bodyLimit = options.bodyLimit ?? 32 * 1024 * 1024;
  const app = Fastify({
    logger: false,
    bodyLimit,
    forceCloseConnections: true,
    ajv: { customOptions: CONTROL_AJV_OPTIONS },
  });
  const bridge = mswBridge(options.handlers);
  const upgrades = serveUpgrades(app.server, { routes: options.upgrades ?? {}, maxPayload: bodyLimit });

  // The control API answers loopback peers only. Whether a request is a control request is decided
  // before anything else, on its normalised path (every spelling: encoded, dot segments, duplicate
  // slashes, case) and, besides, on the route the router chose.
  app.addHook('onRequest', async (request, reply) => {
    const routed = request.routeOptions.url ?? '';
    if (!isControlPath(request.url) && !routed.startsWith(`${CONTROL_PREFIX}/`)) return;
    const address = request.socket.remoteAddress ?? request.ip;
    if (!isLoopbackAddress(address)) {
      return reply
        .code(403)
        .send(errorBody(new CallstormError('CS_ERR_CONTROL_FORBIDDEN', { address: address ?? 'unknown' })));
    }
  });
  app.register(
    controlApi({
      name: options.name,
      kind: options.kind,
      faults: options.faults,
      counters: bridge.counters,
      ...(options.control ? { control: options.control } : {}),
    }),
    { prefix: CONTROL_PREFIX },
  );
  app.register(bridge.plugin);

  let closing: Promise<void> | undefined;
  const close = (): Promise<void> => {
    closing ??= (async () => {
      bridge.abortAll(new Error('simulator host closing'));
      upgrades.close();
      await app.close();
    })();
    return closing;
  };
  return { app, close, setBaseUrl: bridge.setBaseUrl };
}
