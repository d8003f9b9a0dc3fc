import Fastify, { type FastifyInstance } from 'fastify';
import { CALLS_PATH, PROTOCOL_HEADER } from '../src/protocol/agent-protocol.ts';

export interface NullAgentOptions {
  /** Delay before each turn's reply, ms (default 0): a stalling agent for latency tests. */
  readonly turnDelayMs?: number | ((turn: number) => number);
  readonly host?: string;
  readonly port?: number;
}

export interface NullAgent {
  readonly url: string;
  readonly app: FastifyInstance;
  /** Turn requests answered so far. */
  turns(): number;
  /** Hang-ups (DELETE) answered so far. */
  hangUps(): number;
  close(): Promise<void>;
}

/**
 * An agent that does nothing: it picks up, answers every turn with an empty reply and `continue`
 * (after an optional delay), and never calls a dependency. It measures the driver alone: the
 * benchmark's baseline and the stalling agent of the latency tests.
 */
export async function startNullAgent(options: NullAgentOptions = {}): Promise<NullAgent> {
  const app = Fastify({ logger: false, bodyLimit: 32 * 1024 * 1024, forceCloseConnections: true });
  let sessions = 0;
  let turns = 0;
  let hangUps = 0;
  const delay = (turn: number) =>
    typeof options.turnDelayMs === 'function' ? options.turnDelayMs(turn) : (options.turnDelayMs ?? 0);
  app.addHook('onSend', async (_req, reply) => {
    reply.header(PROTOCOL_HEADER, '1');
  });
  app.post(CALLS_PATH, async (_req, reply) => {
    sessions++;
    return reply.code(201).send({ sessionId: `null-${sessions}`, greeting: 'Hello.', greetingAudioMs: 0 });
  });
  app.post<{ Body: { turn: number } }>(`${CALLS_PATH}/:sessionId/turns`, async (req) => {
    turns++;
    const ms = delay(req.body.turn);
    if (ms > 0) await new Promise((r) => setTimeout(r, ms));
    return { reply: { text: '', audioMs: 0 }, action: 'continue' };
  });
  app.delete(`${CALLS_PATH}/:sessionId`, async (_req, reply) => {
    hangUps++;
    return reply.code(204).send();
  });
  await app.listen({ host: options.host ?? '127.0.0.1', port: options.port ?? 0 });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    app,
    turns: () => turns,
    hangUps: () => hangUps,
    close: () => app.close(),
  };
}
