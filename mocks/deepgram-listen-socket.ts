import type { IncomingMessage } from 'node:http';
import type { WebSocket } from 'ws';
import type { AsrRecogniser } from '../simulators/dependencies/asr-recogniser.ts';
import type { FaultEffects } from '../simulators/dependencies/faults/fault-effects.ts';
import type { StreamLatency } from '../simulators/dependencies/stream-events.ts';
import { StreamRegistry } from '../simulators/dependencies/stream-registry.ts';
import { StreamStats } from '../simulators/dependencies/stream-stats.ts';
import type { UtteranceLinker } from '../simulators/dependencies/utterance-linker.ts';
import { seeded } from '../simulators/seeded-random.ts';
import { stableUuid } from './asr-handlers.ts';
import { handshakeError } from './deepgram-listen-messages.ts';
import { type ListenParams, parseListenParams } from './deepgram-listen-params.ts';
import { ListenSession } from './deepgram-listen-session.ts';
import { type FaultSource, noFaults } from './fault-source.ts';
import { faultRefusal, type UpgradeRefusal } from './upgrade-route.ts';
import type { UpgradeRoute } from './websocket-upgrades.ts';

export interface DeepgramListenSocketOptions {
  readonly recogniser: AsrRecogniser;
  /** Tells which planned utterance a speech segment is (`TaggedLinker`, the acoustic linker, …). */
  readonly linker: UtteranceLinker;
  readonly faults?: FaultSource;
  /** Named endpoint for fault targeting (default `asr`). */
  readonly endpoint?: string;
  readonly seed?: string | number;
  /** Delay of finals after their endpoint; `false`: none (faults still apply). */
  readonly latency?: Partial<StreamLatency> | false;
  /** Closes a stream that sent nothing for this long, as Deepgram does (default 10,000 ms). */
  readonly idleTimeoutMs?: number;
  /** Larger binary frames close the stream with 1009 (default 1 MiB). */
  readonly maxFrameBytes?: number;
  readonly interimEveryMs?: number;
  /** Counters and the leak registry; created if not given (read them from the returned route). */
  readonly stats?: StreamStats;
  readonly registry?: StreamRegistry;
  /** Wall clock for timestamps (default Date.now). */
  readonly now?: () => number;
}

export interface DeepgramListenSocket extends UpgradeRoute {
  preflight(request: IncomingMessage, signal: AbortSignal): Promise<UpgradeRefusal | undefined>;
  readonly stats: StreamStats;
  readonly registry: StreamRegistry;
}

const HEADERS_OF = (requestId: string, endpoint: string) => ({
  'dg-request-id': requestId,
  'x-callstorm-endpoint': endpoint,
});

/** Accepts `Authorization: Token|Bearer <anything>`, or the browser form `Sec-WebSocket-Protocol: token, <key>`. */
function hasCredentials(request: IncomingMessage): boolean {
  const auth = request.headers.authorization;
  if (typeof auth === 'string' && /^(token|bearer)\s+\S+/i.test(auth.trim())) return true;
  const protocols = String(request.headers['sec-websocket-protocol'] ?? '')
    .split(',')
    .map((p) => p.trim().toLowerCase());
  return protocols.length >= 2 && (protocols[0] === 'token' || protocols[0] === 'bearer');
}

/**
 * Deepgram-compatible live speech-to-text: the `GET /v1/listen` WebSocket of the ASR simulator.
 * Register `route` under `/v1/listen` in the host's upgrades; see docs/simulators.md.
 */
export function createDeepgramListenSocket(options: DeepgramListenSocketOptions): DeepgramListenSocket {
  const faults = options.faults ?? noFaults;
  const endpoint = options.endpoint ?? 'asr';
  const seed = options.seed ?? 0;
  const stats = options.stats ?? new StreamStats();
  const registry = options.registry ?? new StreamRegistry({ stats });
  const accepted = new WeakMap<IncomingMessage, { params: ListenParams; silent: boolean; id: string }>();
  let streams = 0;

  const requestContext = (extra: { cohort?: string; callId?: string } = {}) => ({
    simulator: 'asr' as const,
    endpoint,
    method: 'GET',
    path: '/v1/listen',
    ...extra,
  });
  const shared = {
    recogniser: options.recogniser,
    linker: options.linker,
    stats,
    registry,
    seed,
    latency: options.latency,
    idleTimeoutMs: options.idleTimeoutMs ?? 10_000,
    maxFrameBytes: options.maxFrameBytes ?? 1024 * 1024,
    interimEveryMs: options.interimEveryMs,
    now: options.now ?? Date.now,
    effectsFor: (
      streamId: string,
      ctx: { segment: number; cohort?: string; callId?: string },
    ): FaultEffects =>
      faults.effectsFor(
        requestContext({
          ...(ctx.cohort !== undefined ? { cohort: ctx.cohort } : {}),
          ...(ctx.callId !== undefined ? { callId: ctx.callId } : {}),
        }),
        seeded(seed, 'stream-faults', endpoint, streamId, ctx.segment),
      ),
  };

  const check = (request: IncomingMessage, id: string): { params: ListenParams } | UpgradeRefusal => {
    const json = (status: number, message: string): UpgradeRefusal => ({
      kind: 'http',
      status,
      headers: { 'content-type': 'application/json', 'dg-error': message, ...HEADERS_OF(id, endpoint) },
      body: JSON.stringify(handshakeError(status, message, id)),
    });
    if (!hasCredentials(request)) {
      stats.badInput('missing-credentials');
      return json(401, 'Invalid credentials: send Authorization: Token <key> (any key is accepted).');
    }
    const parsed = parseListenParams(new URL(request.url ?? '/', 'http://asr.sim').searchParams);
    if (!parsed.ok) {
      stats.badInput('bad-parameter');
      return json(400, parsed.message);
    }
    return { params: parsed.params };
  };

  return {
    stats,
    registry,
    async preflight(request, signal) {
      const id = stableUuid(seed, endpoint, 'stream', ++streams);
      const checked = check(request, id);
      if ('kind' in checked) {
        if (checked.kind === 'http') stats.refused(checked.status);
        return checked;
      }
      const effects = faults.effectsFor(requestContext(), seeded(seed, 'stream-upgrade', endpoint, id));
      const refusal = await faultRefusal(effects, {
        signal,
        faults,
        headers: HEADERS_OF(id, endpoint),
        errorBody: (status, message) => handshakeError(status, message, id),
      });
      if (refusal) {
        stats.refused(refusal.kind === 'http' ? refusal.status : 0);
        return refusal;
      }
      accepted.set(request, { params: checked.params, silent: effects.stream.silent, id });
      return undefined;
    },
    handle(socket: WebSocket, request: IncomingMessage) {
      let entry = accepted.get(request);
      accepted.delete(request);
      if (!entry) {
        // The host skipped the preflight: the same checks, answered as a close frame.
        const id = stableUuid(seed, endpoint, 'stream', ++streams);
        const checked = check(request, id);
        if ('kind' in checked) {
          stats.refused(checked.kind === 'http' ? checked.status : 0);
          const reason = checked.kind === 'http' ? (JSON.parse(checked.body).err_msg as string) : '';
          socket.close(1008, reason.slice(0, 120));
          return;
        }
        entry = { params: checked.params, silent: false, id };
      }
      if (entry.silent) stats.silenced++;
      new ListenSession(socket, shared, entry.params, entry.id, entry.silent);
    },
  };
}
