import { connect } from 'node:net';

/** `--agent` with `{port}` in it: the run fills in the port it gives the agent as `$PORT`. */
export const PORT_PLACEHOLDER = '{port}';

/** `--agent` with every `{port}` replaced by `port` (whatever the URL's scheme). */
export function fillPort(agent: string, port: number): string {
  return agent.replaceAll(PORT_PLACEHOLDER, String(port));
}

const DEFAULT_PORTS: Readonly<Record<string, number>> = {
  'http:': 80,
  'https:': 443,
  'ws:': 80,
  'wss:': 443,
};

/**
 * Where an agent URL's connections go, for any scheme (`http://…`, `twilio+ws://…`): the host
 * (brackets of an IPv6 literal removed) and the port, explicit or the scheme's default. Null when
 * the text is not a URL or names no port its scheme implies.
 */
export function agentAddress(url: string): { readonly host: string; readonly port: number } | null {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return null;
  }
  const host = parsed.hostname.replace(/^\[|\]$/g, '');
  const scheme = parsed.protocol.split('+').pop()!;
  const port = parsed.port ? Number(parsed.port) : DEFAULT_PORTS[scheme];
  return host && port ? { host, port } : null;
}

/** `127.0.0.1:8080`, `[::1]:8080`. */
export function formatAddress(a: { readonly host: string; readonly port: number }): string {
  return `${a.host.includes(':') ? `[${a.host}]` : a.host}:${a.port}`;
}

/**
 * Tries one TCP connection to `host:port`: null when it was accepted, else why not (`ECONNREFUSED`,
 * `no answer within 5 s`, …).
 */
export function tryConnect(host: string, port: number, timeoutMs = 5_000): Promise<string | null> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    const timer = setTimeout(() => done(`no answer within ${timeoutMs / 1000} s`), timeoutMs);
    function done(result: string | null) {
      clearTimeout(timer);
      socket.destroy();
      resolve(result);
    }
    socket.once('connect', () => done(null));
    socket.once('error', (error: NodeJS.ErrnoException) =>
      done(error.code === 'ECONNREFUSED' ? 'connection refused' : (error.code ?? error.message)),
    );
  });
}
