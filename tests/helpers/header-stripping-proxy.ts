import { createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface StrippingProxy {
  readonly url: string;
  /** Requests that arrived carrying an `x-callstorm-*` header (which the target never saw). */
  readonly stripped: () => number;
  readonly requests: () => number;
  close(): Promise<void>;
}

/**
 * A loopback HTTP proxy in front of one simulator that drops every `x-callstorm-*` request header:
 * it makes an agent that forwards them look to the simulators like a real bot, which forwards only
 * what its vendors' SDKs send. Bodies stream both ways (SSE included).
 */
export async function startStrippingProxy(target: string): Promise<StrippingProxy> {
  const to = new URL(target);
  let stripped = 0;
  let requests = 0;
  const server = createServer((req, res) => {
    requests++;
    const headers: Record<string, string | string[] | undefined> = { ...req.headers, host: to.host };
    let had = false;
    for (const name of Object.keys(headers)) {
      if (name.toLowerCase().startsWith('x-callstorm-')) {
        delete headers[name];
        had = true;
      }
    }
    if (had) stripped++;
    const upstream = request(
      { host: to.hostname, port: to.port, method: req.method, path: req.url, headers },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    upstream.on('error', () => res.destroy());
    req.on('aborted', () => upstream.destroy());
    res.on('close', () => upstream.destroy());
    req.pipe(upstream);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    stripped: () => stripped,
    requests: () => requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
