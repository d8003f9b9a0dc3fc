import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer } from 'ws';
import { serveUpgrade, type UpgradeRoute } from '../../mocks/upgrade-route.ts';

/**
 * A plain HTTP server on 127.0.0.1:0 serving WebSocket routes by path, as a simulator host will:
 * `upgrade` → the route's preflight → refuse, or `handleUpgrade` and the route's handler. Other
 * requests get 404 unless `http` handles them.
 */
export async function startUpgradeServer(
  routes: Readonly<Record<string, UpgradeRoute>>,
  options: { maxPayload?: number } = {},
): Promise<{ url: string; wsUrl: string; server: Server; close(): Promise<void> }> {
  const wss = new WebSocketServer({ noServer: true, maxPayload: options.maxPayload ?? 16 * 1024 * 1024 });
  const server = createServer((_req, res) => {
    res.writeHead(404).end();
  });
  server.on('upgrade', (request, socket, head) => {
    const path = new URL(request.url ?? '/', 'http://x').pathname;
    const route = routes[path];
    if (!route) {
      socket.end('HTTP/1.1 404 Not Found\r\ncontent-length: 0\r\n\r\n');
      return;
    }
    void serveUpgrade(route, wss, request, socket, head);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    wsUrl: `ws://127.0.0.1:${port}`,
    server,
    async close() {
      for (const client of wss.clients) client.terminate();
      wss.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
