import { WebSocket } from 'ws';

export interface TestSocket {
  readonly ws: WebSocket;
  /** Every text message, parsed, in order. */
  readonly messages: Record<string, unknown>[];
  /** Every binary message, in order. */
  readonly audio: Buffer[];
  readonly closed: Promise<{ code: number; reason: string }>;
  /** Resolves with the first message (already received or still to come) that matches. */
  next(match: (m: Record<string, unknown>) => boolean): Promise<Record<string, unknown>>;
  send(data: string | Uint8Array | Record<string, unknown>): void;
}

/** A raw WebSocket client; rejects with the HTTP status if the upgrade is refused. */
export function openSocket(
  url: string,
  headers: Record<string, string> = { authorization: 'Token test' },
): Promise<TestSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { headers });
    const messages: Record<string, unknown>[] = [];
    const audio: Buffer[] = [];
    const waiters: {
      match: (m: Record<string, unknown>) => boolean;
      resolve: (m: Record<string, unknown>) => void;
    }[] = [];
    const closed = new Promise<{ code: number; reason: string }>((done) =>
      ws.on('close', (code, reason) => done({ code, reason: reason.toString() })),
    );
    ws.on('message', (data, isBinary) => {
      if (isBinary) return void audio.push(data as Buffer);
      const m = JSON.parse(String(data)) as Record<string, unknown>;
      messages.push(m);
      for (const w of [...waiters]) {
        if (w.match(m)) {
          waiters.splice(waiters.indexOf(w), 1);
          w.resolve(m);
        }
      }
    });
    ws.on('unexpected-response', (_req, res) => {
      let body = '';
      res.on('data', (c: Buffer) => {
        body += c.toString();
      });
      res.on('end', () =>
        reject(
          Object.assign(new Error(`upgrade refused: ${res.statusCode}`), {
            status: res.statusCode,
            headers: res.headers,
            body,
          }),
        ),
      );
    });
    ws.on('error', (error) => reject(error));
    ws.on('open', () =>
      resolve({
        ws,
        messages,
        audio,
        closed,
        next(match) {
          const seen = messages.find(match);
          if (seen) return Promise.resolve(seen);
          return new Promise((r) => waiters.push({ match, resolve: r }));
        },
        send(data) {
          ws.send(data instanceof Uint8Array || typeof data === 'string' ? data : JSON.stringify(data));
        },
      }),
    );
  });
}

/** The HTTP answer to a refused upgrade. */
export async function refusal(url: string, headers?: Record<string, string>) {
  try {
    const s = await openSocket(url, headers);
    s.ws.close();
    throw new Error('the upgrade was accepted');
  } catch (error) {
    return error as Error & {
      status?: number;
      headers?: Record<string, string>;
      body?: string;
      code?: string;
    };
  }
}
