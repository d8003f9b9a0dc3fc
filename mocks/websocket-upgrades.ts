import type { IncomingMessage, Server } from 'node:http';
import { STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import { type WebSocket, WebSocketServer } from 'ws';
import { CallstormError } from '../src/errors/callstorm-error.ts';
import { errorBody } from './control-api.ts';
import { isControlPath } from './control-path.ts';
import { isLoopbackAddress } from './is-loopback-address.ts';
import { refuseUpgrade, type UpgradeRefusal } from './upgrade-route.ts';

/**
 * A WebSocket endpoint of a simulated API (Deepgram's live `/v1/listen`, its TTS socket, …): called
 * with the accepted socket and the upgrade request (its URL carries the query parameters). A throw
 * or a rejected promise closes the socket with 1011.
 */
export type UpgradeHandler = (socket: WebSocket, request: IncomingMessage) => void | Promise<void>;

/**
 * A WebSocket endpoint that may turn a handshake down before accepting it: `preflight` answers bad
 * query parameters, missing credentials and fault refusals as HTTP, the way the vendor answers a
 * failed handshake; `handle` gets the accepted socket.
 */
export interface UpgradeRoute {
  preflight?(request: IncomingMessage, signal: AbortSignal): Promise<UpgradeRefusal | undefined>;
  readonly handle: UpgradeHandler;
}

/** Upgrade routes by path (`/v1/listen`), matched exactly against the request's pathname. */
export type UpgradeRoutes = Readonly<Record<string, UpgradeHandler | UpgradeRoute>>;

export interface UpgradeServer {
  /** Ends every open socket and every handshake under way. */
  close(): void;
}

export interface UpgradeOptions {
  readonly routes: UpgradeRoutes;
  /** Largest message accepted (bytes); a larger one closes the socket with 1009. */
  readonly maxPayload: number;
}

/**
 * Serves WebSocket upgrades on a host's HTTP server ('upgrade' event, ws in `noServer` mode). A
 * path with no handler is answered 404 and closed. Control paths, however spelt, have no
 * WebSocket endpoints: a non-loopback peer gets 403 (the control API's rule), a loopback one 404.
 * Every other path answers any peer, like the simulated HTTP API.
 */
export function serveUpgrades(server: Server, options: UpgradeOptions): UpgradeServer {
  for (const path of Object.keys(options.routes)) {
    if (!path.startsWith('/') || isControlPath(path))
      throw new RangeError(`WebSocket route "${path}" must be a path outside the control API`);
  }
  const wss = new WebSocketServer({ noServer: true, maxPayload: options.maxPayload });
  const handshakes = new Set<Duplex>();
  let closed = false;

  const onUpgrade = (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on('error', () => socket.destroy());
    if (closed) return void socket.destroy();
    const target = request.url ?? '/';
    if (isControlPath(target)) {
      const address = request.socket.remoteAddress;
      if (!isLoopbackAddress(address)) {
        const error = new CallstormError('CS_ERR_CONTROL_FORBIDDEN', { address: address ?? 'unknown' });
        return refuse(socket, 403, errorBody(error));
      }
      return refuse(socket, 404, {
        error: { code: 'CS_ERR_UNKNOWN_NAME', message: `no WebSocket control endpoint ${target}` },
      });
    }
    const path = new URL(target, 'http://simulator.invalid').pathname;
    const found = Object.hasOwn(options.routes, path) ? options.routes[path] : undefined;
    if (!found) {
      return refuse(socket, 404, { error: { code: 'no_such_route', message: `no WebSocket route ${path}` } });
    }
    const route: UpgradeRoute = typeof found === 'function' ? { handle: found } : found;
    handshakes.add(socket);
    socket.once('close', () => handshakes.delete(socket));
    void accept(route, request, socket, head);
  };

  const accept = async (route: UpgradeRoute, request: IncomingMessage, socket: Duplex, head: Buffer) => {
    if (route.preflight) {
      const gone = new AbortController();
      const onClose = () => gone.abort(new Error('client went away during the upgrade'));
      socket.once('close', onClose);
      let refusal: UpgradeRefusal | undefined;
      try {
        refusal = await route.preflight(request, gone.signal);
      } catch {
        return void socket.destroy();
      } finally {
        socket.off('close', onClose);
      }
      if (gone.signal.aborted || closed) return void socket.destroy();
      if (refusal) return refuseUpgrade(socket, refusal);
    }
    const handler = route.handle;
    wss.handleUpgrade(request, socket, head, (ws) => {
      handshakes.delete(socket);
      // Protocol errors close the socket (ws does that); without a listener they would crash the host.
      ws.on('error', () => {});
      try {
        const running = handler(ws, request);
        if (running) running.catch(() => ws.close(1011, 'simulator error'));
      } catch {
        ws.close(1011, 'simulator error');
      }
    });
  };
  server.on('upgrade', onUpgrade);

  return {
    close() {
      closed = true;
      server.off('upgrade', onUpgrade);
      for (const ws of wss.clients) ws.terminate();
      for (const socket of handshakes) socket.destroy();
      handshakes.clear();
      wss.close();
    },
  };
}

/** Answers an upgrade request with an HTTP error and closes the connection. */
function refuse(socket: Duplex, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  socket.once('finish', () => socket.destroy());
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ''}\r\nConnection: close\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(text)}\r\n\r\n${text}`,
  );
}
