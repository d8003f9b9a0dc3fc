import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CALL_HEADER } from '../../src/protocol/agent-protocol.ts';

/** One request to the scripted agent, with what the driver sent. */
export interface AgentRequest {
  readonly callId: string;
  readonly sessionId: string | null;
  /** The parsed JSON body (null for DELETE). */
  readonly body: Record<string, unknown> | null;
}

export type Handler = (req: AgentRequest, res: ServerResponse) => void | Promise<void>;

/** What the agent does on each route; defaults behave like a well-mannered agent. */
export interface AgentScript {
  readonly create?: Handler;
  readonly turn?: Handler;
  readonly hangUp?: Handler;
}

export interface ScriptedAgent {
  readonly url: string;
  /** Requests seen, by route. */
  readonly seen: { create: number; turn: number; hangUp: number };
  close(): Promise<void>;
}

export function json(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

/** Answers with headers at once, then one byte every `everyMs`, never finishing. */
export function drip(res: ServerResponse, status = 200, everyMs = 50): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.write('{');
  const timer = setInterval(() => res.write(' '), everyMs);
  res.on('close', () => clearInterval(timer));
}

/** An endless JSON-looking body, written as fast as the client reads it. */
export function endlessBody(res: ServerResponse): void {
  res.writeHead(200, { 'content-type': 'application/json' });
  const chunk = Buffer.alloc(64 * 1024, 0x20);
  const pump = () => {
    while (!res.destroyed && res.write(chunk)) {}
  };
  res.on('drain', pump);
  res.write('{"reply":');
  pump();
}

export const greet: Handler = (req, res) =>
  json(res, 201, { sessionId: `s-${req.callId}`, greeting: 'Hello.', greetingAudioMs: 0 });
export const endAtOnce: Handler = (_req, res) =>
  json(res, 200, { reply: { text: 'Bye.', audioMs: 0 }, action: 'end' });
export const carryOn: Handler = (_req, res) =>
  json(res, 200, { reply: { text: '', audioMs: 0 }, action: 'continue' });

/**
 * A misbehaving agent for tests: a real HTTP server on 127.0.0.1 (port 0) speaking just enough of
 * the agent protocol, each route answered by a handler the test writes (drip, endless body, …).
 */
export async function startScriptedAgent(script: AgentScript, port = 0): Promise<ScriptedAgent> {
  const seen = { create: 0, turn: 0, hangUp: 0 };
  const server = createServer(async (req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const text = Buffer.concat(chunks).toString('utf8');
    const body = text ? (JSON.parse(text) as Record<string, unknown>) : null;
    const callId = String(req.headers[CALL_HEADER] ?? '');
    const parts = (req.url ?? '').split('/').filter(Boolean); // v1 calls <session> [turns]
    const sessionId = parts[2] ? decodeURIComponent(parts[2]) : null;
    const r: AgentRequest = { callId, sessionId, body };
    if (req.method === 'POST' && parts.length === 2) {
      seen.create++;
      return (script.create ?? greet)(r, res);
    }
    if (req.method === 'POST' && parts[3] === 'turns') {
      seen.turn++;
      return (script.turn ?? endAtOnce)(r, res);
    }
    if (req.method === 'DELETE') {
      seen.hangUp++;
      if (script.hangUp) return script.hangUp(r, res);
      res.writeHead(204).end();
      return;
    }
    json(res, 404, { error: { code: 'route_not_found', message: 'no route' } });
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  const listening = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${listening}`,
    seen,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
