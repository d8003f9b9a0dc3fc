import { createServer } from 'node:net';
import { CallstormError } from '../errors/callstorm-error.ts';

/** One fixed port and what will listen on it (for the error when it is taken). */
export interface PortClaim {
  readonly port: number;
  /** `the crm simulator`, `the Toxiproxy proxy of asr`, … */
  readonly what: string;
}

/**
 * Ports `base`, `base + 1`, … for `names` in order (`--simulators-port-base`). A range that runs
 * past 65,535 is refused naming the option.
 */
export function portsFrom(
  base: number,
  names: readonly string[],
  what: (name: string) => string,
  option: string,
): PortClaim[] {
  const last = base + names.length - 1;
  if (!Number.isInteger(base) || base < 1 || last > 65_535) {
    throw new CallstormError('CS_ERR_BAD_ARGUMENT', {
      option,
      reason: `${base} leaves no room for ${names.length} ports (${names.join(', ')}) at or below 65535`,
      fix: `choose a base from 1 to ${65_535 - names.length + 1} (0 = free ports)`,
    });
  }
  return names.map((name, i) => ({ port: base + i, what: what(name) }));
}

/** Whether `host:port` can be listened on right now (it is released again at once). */
export function canListen(host: string, port: number): Promise<true | string> {
  return new Promise((resolve) => {
    const server = createServer();
    server.unref();
    server.once('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? error.message));
    server.listen({ host, port, exclusive: true }, () => server.close(() => resolve(true)));
  });
}

/**
 * Refuses, before anything listens, a fixed port that is taken: CS_ERR_PORT_IN_USE naming the
 * port, what it was for and the option that asked for it (exit 2).
 */
export async function assertPortsFree(
  host: string,
  claims: readonly PortClaim[],
  option: string,
): Promise<void> {
  for (const claim of claims) {
    const free = await canListen(host, claim.port);
    if (free === true) continue;
    const base = claims[0]!.port;
    throw new CallstormError('CS_ERR_PORT_IN_USE', {
      host,
      port: claim.port,
      reason: `${free === 'EADDRINUSE' ? 'it is in use' : free}: it is the port of ${claim.what} (${option} ${base} + ${claim.port - base}); the fixed ports are ${base}–${base + claims.length - 1}`,
    });
  }
}

/** A port that was free on `host` a moment ago (the OS's choice). */
export function freePort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, host, () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}
