import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { WebSocket, WebSocketServer } from 'ws';
import type { FaultEffects } from '../simulators/dependencies/faults/fault-effects.ts';
import type { FaultSource } from './fault-source.ts';
import { genericFaultResponse } from './generic-fault-response.ts';

/** What a simulator host calls for an accepted WebSocket of one path (ws 8's `connection` shape). */
export type UpgradeHandler = (socket: WebSocket, request: IncomingMessage) => void;

/** How an upgrade is turned down instead: an HTTP answer, or a dropped connection. */
export type UpgradeRefusal =
  | {
      readonly kind: 'http';
      readonly status: number;
      readonly headers: Readonly<Record<string, string>>;
      readonly body: string;
    }
  | { readonly kind: 'reset' };

/**
 * A WebSocket endpoint of a simulator. The host calls `preflight` on the upgrade request before
 * accepting it (bad query parameters, missing credentials and fault refusals are answered there,
 * as HTTP, the way the vendor answers a failed handshake), then `handle` with the accepted socket.
 * A host that only calls `handle` still gets the parameter checks, as a close frame.
 */
export interface UpgradeRoute {
  preflight(request: IncomingMessage, signal: AbortSignal): Promise<UpgradeRefusal | undefined>;
  readonly handle: UpgradeHandler;
}

const REASONS: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  402: 'Payment Required',
  403: 'Forbidden',
  404: 'Not Found',
  408: 'Request Timeout',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
  504: 'Gateway Timeout',
};

/** Writes a refusal on the raw socket of an upgrade request and ends it. */
export function refuseUpgrade(socket: Duplex, refusal: UpgradeRefusal): void {
  if (refusal.kind === 'reset') {
    socket.destroy();
    return;
  }
  const body = Buffer.from(refusal.body, 'utf8');
  const lines = [
    `HTTP/1.1 ${refusal.status} ${REASONS[refusal.status] ?? 'Error'}`,
    ...Object.entries(refusal.headers).map(([k, v]) => `${k}: ${v}`),
    `content-length: ${body.length}`,
    'connection: close',
    '',
    '',
  ];
  socket.end(Buffer.concat([Buffer.from(lines.join('\r\n'), 'latin1'), body]));
}

/**
 * Serves one upgrade request on a route: preflight, then refuse or accept. What a host's
 * `upgrade` listener does for a path it has a route for (`wss` built with `noServer: true`).
 */
export async function serveUpgrade(
  route: UpgradeRoute,
  wss: WebSocketServer,
  request: IncomingMessage,
  socket: Duplex,
  head: Buffer,
): Promise<void> {
  const controller = new AbortController();
  const onClose = () => controller.abort(new Error('client went away during the upgrade'));
  socket.once('close', onClose);
  socket.on('error', () => {});
  try {
    const refusal = await route.preflight(request, controller.signal);
    if (controller.signal.aborted) return void socket.destroy();
    if (refusal) return refuseUpgrade(socket, refusal);
    wss.handleUpgrade(request, socket, head, (ws) => route.handle(ws, request));
  } catch {
    socket.destroy();
  } finally {
    socket.off('close', onClose);
  }
}

/**
 * The generic faults of an upgrade (added latency, network refuse/hang, HTTP rejection) and the
 * `stream-refuse` fault, as a refusal: the one fault call of a socket route's preflight.
 */
export async function faultRefusal(
  effects: FaultEffects,
  options: {
    signal: AbortSignal;
    faults: FaultSource;
    headers: Record<string, string>;
    errorBody: (status: number, message: string) => unknown;
  },
): Promise<UpgradeRefusal | undefined> {
  const faulted = await genericFaultResponse(effects, {
    signal: options.signal,
    faults: options.faults,
    headers: options.headers,
    errorBody: options.errorBody,
  });
  if (faulted) {
    if (faulted.type === 'error') return { kind: 'reset' };
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    faulted.headers.forEach((v, k) => {
      if (k !== 'content-length') headers[k] = v;
    });
    return { kind: 'http', status: faulted.status, headers, body: await faulted.text() };
  }
  const status = effects.stream.refuseStatus;
  if (status === undefined) return undefined;
  return {
    kind: 'http',
    status,
    headers: { 'content-type': 'application/json', ...options.headers },
    body: JSON.stringify(options.errorBody(status, `injected fault: stream-refuse ${status}`)),
  };
}
