import Fastify, { type FastifyReply, type FastifyRequest } from 'fastify';
import { Agent as UndiciAgent } from 'undici';
import { isLoopbackAddress } from '../mocks/is-loopback-address.ts';
import { CallstormError } from '../src/errors/callstorm-error.ts';
import {
  AGENT_PROTOCOL_VERSION,
  CALL_HEADER,
  createCallRequestSchema,
  describeIssues,
  errorBody,
  PROTOCOL_ERRORS,
  PROTOCOL_HEADER,
  type ProtocolErrorCode,
  RUN_HEADER,
  turnRequestSchema,
} from '../src/protocol/agent-protocol.ts';
import { ProcessHealthMonitor } from '../src/util/process-health.ts';
import { type AgentConfig, type AgentConfigInput, parseAgentConfig } from './agent-config.ts';
import { estimateAudioMs, greeting } from './agent-phrases.ts';
import type { AgentProfile } from './agent-profile.ts';
import { AgentSession, SessionStore } from './agent-session.ts';
import { agentTools } from './agent-tools.ts';
import type { ReplayReport } from './dead-letter-queue.ts';
import { DependencyError } from './dependency-error.ts';
import { PilotProfile } from './pilot-profile.ts';
import { ProductionProfile } from './production-profile.ts';
import { systemPrompt } from './system-prompt.ts';
import { runTurn, type TurnContext } from './turn-pipeline.ts';
import { TurnRecorder } from './turn-recorder.ts';

export interface RunningAgent {
  /** Base URL of the protocol, e.g. `http://127.0.0.1:40123`. */
  readonly url: string;
  readonly config: AgentConfig;
  /** Replays dead-lettered CRM writes now (production; the pilot has none). */
  replayDeadLetters(): Promise<ReplayReport>;
  /** Writes waiting in the dead-letter queue. */
  pendingDeadLetters(): number;
  /** Stops accepting calls, waits for turns in flight, stops the replay loop and closes connections. */
  close(): Promise<void>;
}

const CLOSE_GRACE_MS = 5000;

const PROFILES = {
  pilot: (config: AgentConfig, dispatcher: UndiciAgent): AgentProfile => new PilotProfile(config, dispatcher),
  production: (config: AgentConfig, dispatcher: UndiciAgent): AgentProfile =>
    new ProductionProfile(config, dispatcher),
} as const;

function send(
  reply: FastifyReply,
  code: ProtocolErrorCode,
  message: string,
  extra: Parameters<typeof errorBody>[2] = {},
) {
  return reply.code(PROTOCOL_ERRORS[code]).send(errorBody(code, message, extra));
}

/** Starts the reference agent: the callstorm agent protocol v1 over the configured dependencies. */
export async function startAgent(input: AgentConfigInput | AgentConfig): Promise<RunningAgent> {
  const config = parseAgentConfig(input);
  const dispatcher = new UndiciAgent({ connections: 256, keepAliveTimeout: 10_000 });
  const profile = PROFILES[config.profile](config, dispatcher);
  const sessions = new SessionStore();
  const ctx: TurnContext = {
    config,
    profile,
    tools: agentTools(),
    systemPrompt: (s) => systemPrompt(config, s),
  };
  const inFlight = new Set<Promise<unknown>>();
  let closing = false;
  // The agent process's own event-loop delay and CPU: the harness reads it to tell a saturated
  // machine from a slow agent (`GET /__agent/process`).
  const health = new ProcessHealthMonitor();

  const app = Fastify({ logger: config.logger, bodyLimit: 16 * 1024 * 1024, forceCloseConnections: true });

  app.addHook('onRequest', async (request, reply) => {
    reply.header(PROTOCOL_HEADER, String(AGENT_PROTOCOL_VERSION));
    if (!request.url.startsWith('/v1/')) return;
    if (closing) return send(reply, 'shutting_down', 'the agent is shutting down');
    for (const name of [RUN_HEADER, CALL_HEADER]) {
      const value = request.headers[name];
      if (typeof value !== 'string' || value.trim() === '') {
        return send(reply, 'missing_header', `every request must carry the ${name} header`);
      }
    }
  });

  app.setErrorHandler((error: { statusCode?: number; message: string }, _request, reply) => {
    const status = error.statusCode ?? 500;
    if (status >= 400 && status < 500) {
      return send(
        reply,
        'bad_request',
        status === 413
          ? 'the request body is too large'
          : `the request body could not be read: ${error.message}`,
      );
    }
    return send(reply, 'agent_failed', 'the agent failed unexpectedly');
  });
  app.setNotFoundHandler((request, reply) =>
    send(reply, 'route_not_found', `no route ${request.method} ${request.url.split('?')[0]}`),
  );

  app.get('/health', async () => ({
    status: closing ? 'closing' : 'ok',
    profile: config.profile,
    protocol: AGENT_PROTOCOL_VERSION,
    sessions: { active: sessions.active, retained: sessions.size },
    ...profile.health(),
  }));

  // Operator routes of the reference agent (not part of the protocol), loopback clients only: the
  // harness asks a separately running agent to replay its dead letters once faults are cleared.
  app.get('/__agent/dead-letters', async (request, reply) => {
    if (!isLoopbackAddress(request.socket.remoteAddress))
      return reply.code(403).send({ error: 'loopback only' });
    return { pending: profile instanceof ProductionProfile ? profile.deadLetters.size : 0 };
  });
  app.get('/__agent/process', async (request, reply) => {
    if (!isLoopbackAddress(request.socket.remoteAddress))
      return reply.code(403).send({ error: 'loopback only' });
    return health.read();
  });
  app.delete('/__agent/process', async (request, reply) => {
    if (!isLoopbackAddress(request.socket.remoteAddress))
      return reply.code(403).send({ error: 'loopback only' });
    health.reset();
    return reply.code(204).send();
  });
  app.post('/__agent/dead-letters/replay', async (request, reply) => {
    if (!isLoopbackAddress(request.socket.remoteAddress))
      return reply.code(403).send({ error: 'loopback only' });
    const report = await profile.replayDeadLetters();
    return { ...report, pending: profile instanceof ProductionProfile ? profile.deadLetters.size : 0 };
  });

  app.post('/v1/calls', async (request, reply) => {
    const parsed = createCallRequestSchema.safeParse(request.body);
    if (!parsed.success)
      return send(reply, 'bad_request', 'invalid call', { issues: describeIssues(parsed.error) });
    if (request.headers[CALL_HEADER] !== parsed.data.callId) {
      return send(
        reply,
        'call_mismatch',
        `${CALL_HEADER} must equal the body's callId (${parsed.data.callId})`,
      );
    }
    const text = greeting(config.brand, parsed.data.consentRequired);
    const audioMs = estimateAudioMs(text);
    const session = new AgentSession(String(request.headers[RUN_HEADER]), parsed.data, text, audioMs);
    sessions.add(session);
    return reply.code(201).send({ sessionId: session.id, greeting: text, greetingAudioMs: audioMs });
  });

  app.post(
    '/v1/calls/:sessionId/turns',
    async (request: FastifyRequest<{ Params: { sessionId: string } }>, reply) => {
      const received = performance.now();
      const session = sessions.get(request.params.sessionId);
      if (!session) return send(reply, 'session_not_found', `no session ${request.params.sessionId}`);
      if (request.headers[CALL_HEADER] !== session.request.callId) {
        return send(
          reply,
          'call_mismatch',
          `${CALL_HEADER} must equal the session's callId (${session.request.callId})`,
        );
      }
      const parsed = turnRequestSchema.safeParse(request.body);
      if (!parsed.success)
        return send(reply, 'bad_request', 'invalid turn', { issues: describeIssues(parsed.error) });
      if (session.ended !== null)
        return send(reply, 'session_ended', `the call has ended (${session.ended})`);
      if (session.busy)
        return send(reply, 'turn_in_progress', 'the previous turn of this call is still being answered');
      if (parsed.data.turn <= session.lastTurn) {
        return send(
          reply,
          'turn_out_of_order',
          `turn ${parsed.data.turn} is not after turn ${session.lastTurn}`,
        );
      }
      session.busy = true;
      session.lastTurn = parsed.data.turn;
      session.lastActivity = Date.now();
      const rec = new TurnRecorder(
        { runId: session.runId, callId: session.request.callId, region: session.request.region },
        config.budget.turnMs,
        received,
      );
      const work = runTurn(ctx, session, parsed.data, rec);
      inFlight.add(work);
      try {
        return reply.code(200).send(await work);
      } catch (error) {
        if (error instanceof DependencyError) {
          const code = error.timedOut ? 'dependency_timeout' : 'dependency_failed';
          return send(reply, code, `${error.dependency} call failed: ${error.message}`, {
            dependency: error.dependency,
          });
        }
        request.log.error({ err: error }, 'turn failed');
        return send(reply, 'agent_failed', error instanceof Error ? error.message : String(error));
      } finally {
        inFlight.delete(work);
        session.busy = false;
        session.lastActivity = Date.now();
      }
    },
  );

  app.delete(
    '/v1/calls/:sessionId',
    async (request: FastifyRequest<{ Params: { sessionId: string } }>, reply) => {
      const session = sessions.get(request.params.sessionId);
      if (!session) return send(reply, 'session_not_found', `no session ${request.params.sessionId}`);
      session.end('hangup');
      return reply.code(204).send();
    },
  );

  try {
    await app.listen({ host: config.host, port: config.port });
  } catch (error) {
    health.close();
    await profile.close();
    await dispatcher.close();
    throw new CallstormError(
      'CS_ERR_PORT_IN_USE',
      { host: config.host, port: config.port, reason: String(error) },
      { cause: error },
    );
  }
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  const url = `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${port}`;

  let closed: Promise<void> | undefined;
  return {
    url,
    config,
    replayDeadLetters: () => profile.replayDeadLetters(),
    pendingDeadLetters: () => (profile instanceof ProductionProfile ? profile.deadLetters.size : 0),
    close() {
      closed ??= (async () => {
        closing = true;
        // Turns in flight get a grace period; a pilot stuck on a hung dependency does not hold us up.
        const grace = new Promise<void>((resolve) => setTimeout(resolve, CLOSE_GRACE_MS).unref());
        await Promise.race([Promise.allSettled([...inFlight]), grace]);
        await app.close();
        sessions.close();
        await profile.close();
        await dispatcher.destroy();
        health.close();
      })();
      return closed;
    },
  };
}
