import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { serveUpgrades, type UpgradeRoute } from '../../mocks/websocket-upgrades.ts';

/**
 * A plain HTTP server on 127.0.0.1:0 serving WebSocket routes by path through the simulator
 * host's own upgrade code (`serveUpgrades`: preflight → refuse, or accept and hand to the route).
 * Other requests get 404.
 */
export async function startUpgradeServer(
  routes: Readonly<Record<string, UpgradeRoute>>,
  options: { maxPayload?: number } = {},
): Promise<{ url: string; wsUrl: string; server: Server; close(): Promise<void> }> {
  const server = createServer((_req, res) => {
    res.writeHead(404).end();
  });
  const upgrades = serveUpgrades(server, { routes, maxPayload: options.maxPayload ?? 16 * 1024 * 1024 });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    wsUrl: `ws://127.0.0.1:${port}`,
    server,
    async close() {
      upgrades.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
