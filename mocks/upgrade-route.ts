import type { Duplex } from 'node:stream';
import type { FaultEffects } from '../simulators/dependencies/faults/fault-effects.ts';
import { faultResponse } from './fault-gate.ts';
import type { FaultSource } from './fault-source.ts';

/** How an upgrade is turned down instead: an HTTP answer, or a dropped connection. */
export type UpgradeRefusal =
  | {
      readonly kind: 'http';
      readonly status: number;
      readonly headers: Readonly<Record<string, string>>;
      readonly body: string;
    }
  | { readonly kind: 'reset' };

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
  const faulted = await faultResponse(effects, options);
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
