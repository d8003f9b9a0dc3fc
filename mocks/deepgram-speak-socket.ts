import type { IncomingMessage } from 'node:http';
import type { WebSocket } from 'ws';
import type { SpeechLog } from '../simulators/dependencies/speech-log.ts';
import { StreamRegistry } from '../simulators/dependencies/stream-registry.ts';
import { StreamStats } from '../simulators/dependencies/stream-stats.ts';
import type { TtsSynthesiser } from '../simulators/dependencies/tts-synthesiser.ts';
import { seeded } from '../simulators/seeded-random.ts';
import { stableUuid } from './asr-handlers.ts';
import { MODEL_UUID, MODEL_VERSION } from './deepgram-listen-messages.ts';
import { type FaultSource, noFaults } from './fault-source.ts';
import { SocketOutbox } from './socket-outbox.ts';
import {
  bytesPerMs,
  chunkSpeech,
  encodeSpeech,
  parseSpeakFormat,
  type TtsFormat,
} from './tts-audio-format.ts';
import { faultRefusal, type UpgradeRefusal } from './upgrade-route.ts';
import type { UpgradeRoute } from './websocket-upgrades.ts';

export interface DeepgramSpeakSocketOptions {
  readonly synthesiser: TtsSynthesiser;
  readonly faults?: FaultSource;
  readonly endpoint?: string;
  readonly seed?: string | number;
  readonly speechLog?: SpeechLog;
  readonly stats?: StreamStats;
  readonly registry?: StreamRegistry;
  /** Text a socket may hold before a Flush (default 2,000 characters, Deepgram's limit). */
  readonly maxBufferChars?: number;
}

export interface DeepgramSpeakSocket extends UpgradeRoute {
  preflight(request: IncomingMessage, signal: AbortSignal): Promise<UpgradeRefusal | undefined>;
  readonly stats: StreamStats;
  readonly registry: StreamRegistry;
}

const warning = (description: string, code: string) => JSON.stringify({ type: 'Warning', description, code });
const error = (status: number, message: string, requestId: string) => ({
  err_code: status === 401 ? 'INVALID_AUTH' : status >= 500 ? 'INTERNAL_SERVER_ERROR' : 'Bad Request',
  err_msg: message,
  request_id: requestId,
});

/**
 * Deepgram's streaming TTS, the `/v1/speak` WebSocket of the TTS simulator: `Speak {text}` adds
 * to the socket's text, `Flush` speaks it (binary audio in the asked encoding and rate, on the
 * first-byte model, then `Flushed`), `Clear` drops queued text and audio (`Cleared`), `Close`
 * closes. `Metadata` comes first; a message it cannot use gets a `Warning`.
 */
export function createDeepgramSpeakSocket(options: DeepgramSpeakSocketOptions): DeepgramSpeakSocket {
  const faults = options.faults ?? noFaults;
  const endpoint = options.endpoint ?? 'tts';
  const seed = options.seed ?? 0;
  const stats = options.stats ?? new StreamStats();
  const registry = options.registry ?? new StreamRegistry({ stats });
  const maxChars = options.maxBufferChars ?? 2000;
  const accepted = new WeakMap<
    IncomingMessage,
    { format: TtsFormat; model: string; id: string; silent: boolean }
  >();
  let sockets = 0;
  const ctx = { simulator: 'tts' as const, endpoint, method: 'GET', path: '/v1/speak' };

  type Accepted = { format: TtsFormat; model: string; id: string; silent: boolean };
  const check = (
    request: IncomingMessage,
    id: string,
  ): ({ ok: true } & Accepted) | { ok: false; status: number; message: string } => {
    const url = new URL(request.url ?? '/', 'http://tts.sim');
    const auth = request.headers.authorization ?? String(request.headers['sec-websocket-protocol'] ?? '');
    if (!/^(token|bearer)[\s,]+\S+/i.test(auth.trim())) {
      stats.badInput('missing-credentials');
      return {
        ok: false,
        status: 401,
        message: 'Invalid credentials: send Authorization: Token <key> (any key is accepted).',
      };
    }
    const parsed = parseSpeakFormat(url.searchParams, true);
    if (!parsed.ok) {
      stats.badInput('bad-parameter');
      return { ok: false, status: 400, message: parsed.message };
    }
    return {
      ok: true,
      format: parsed.format,
      model: url.searchParams.get('model') ?? 'aura-2-thalia-en',
      id,
      silent: false,
    };
  };

  function serve(ws: WebSocket, a: { format: TtsFormat; model: string; id: string; silent: boolean }): void {
    const outbox = new SocketOutbox(ws);
    let buffer = '';
    let flushes = 0;
    registry.opened(a.id);
    if (a.silent) {
      stats.silenced++;
      outbox.mute();
    }
    const send = (data: string | Uint8Array, type: string, delayMs = 0) => {
      if (outbox.muted) return;
      stats.sent(type);
      outbox.send(data, delayMs);
    };
    send(
      JSON.stringify({
        type: 'Metadata',
        request_id: a.id,
        model_name: a.model,
        model_version: MODEL_VERSION,
        model_uuid: MODEL_UUID,
      }),
      'Metadata',
    );
    const flush = () => {
      const text = buffer.trim();
      buffer = '';
      const sequence = flushes++;
      if (text === '') return send(JSON.stringify({ type: 'Flushed', sequence_id: sequence }), 'Flushed');
      const effects = faults.effectsFor(ctx, seeded(seed, 'tts-socket-faults', endpoint, a.id, sequence));
      if (effects.stream.silent) {
        stats.silenced++;
        return outbox.mute();
      }
      const synthesis = options.synthesiser.synthesise(text, `${a.id}:${sequence}`);
      const spoken = options.speechLog?.record({
        wire: 'speak-socket',
        connection: a.id,
        text,
        audioMs: synthesis.audioMs,
        ...a.format,
      });
      if (spoken?.callId) registry.bind(a.id, spoken.callId);
      const samples = options.synthesiser.render(text, {
        sampleRate: a.format.sampleRate,
        audioMs: synthesis.audioMs,
        voice: a.model,
      });
      const chunks = chunkSpeech(encodeSpeech(samples, a.format), a.format, synthesis.chunkMs);
      // A `stream-drop` fault sends the audio up to `afterMs`, then closes with 1011.
      const dropAt = effects.stream.dropAfterMs;
      let sentMs = 0;
      for (const [i, chunk] of chunks.entries()) {
        if (dropAt !== undefined && sentMs >= dropAt) break;
        send(chunk, 'audio', i === 0 ? synthesis.ttfbMs + effects.addedLatencyMs : synthesis.chunkIntervalMs);
        sentMs += chunk.length / bytesPerMs(a.format);
      }
      if (dropAt !== undefined) {
        stats.dropped++;
        stats.closed('server', 1011);
        return outbox.close(
          1011,
          'Deepgram encountered an internal error while synthesising (simulated fault)',
        );
      }
      send(JSON.stringify({ type: 'Flushed', sequence_id: sequence }), 'Flushed');
    };
    ws.on('message', (data, isBinary) => {
      try {
        if (isBinary) {
          stats.badInput('binary-frame');
          return send(warning('the streaming TTS takes text messages only', 'INVALID_MESSAGE'), 'Warning');
        }
        const text = Buffer.isBuffer(data)
          ? data.toString('utf8')
          : Buffer.from(data as ArrayBuffer).toString('utf8');
        let message: { type?: unknown; text?: unknown };
        try {
          message = JSON.parse(text) as { type?: unknown; text?: unknown };
          if (message === null || typeof message !== 'object') throw new Error('not an object');
        } catch {
          stats.badInput('malformed-json');
          return send(warning('could not parse the message as JSON', 'INVALID_MESSAGE'), 'Warning');
        }
        stats.received(typeof message.type === 'string' ? message.type : 'untyped');
        switch (message.type) {
          case 'Speak':
            if (typeof message.text !== 'string') {
              stats.badInput('speak-without-text');
              return send(warning('Speak needs a string "text"', 'INVALID_MESSAGE'), 'Warning');
            }
            if (buffer.length + message.text.length > maxChars) {
              stats.badInput('text-limit');
              return send(
                warning(
                  `the text of one Flush is limited to ${maxChars} characters; this Speak was dropped`,
                  'TEXT_LIMIT_EXCEEDED',
                ),
                'Warning',
              );
            }
            buffer += buffer === '' ? message.text : ` ${message.text}`;
            return;
          case 'Flush':
            return flush();
          case 'Clear':
            buffer = '';
            outbox.clear();
            return send(
              JSON.stringify({ type: 'Cleared', sequence_id: Math.max(0, flushes - 1) }),
              'Cleared',
            );
          case 'Close':
            stats.closed('server', 1000);
            return outbox.closeNow(1000);
          default:
            stats.badInput('unknown-message');
            return send(
              warning(
                `unknown message type ${JSON.stringify(message.type)}: expected Speak, Flush, Clear or Close`,
                'INVALID_MESSAGE',
              ),
              'Warning',
            );
        }
      } catch {
        stats.badInput('internal');
        outbox.closeNow(1011, 'internal error');
      }
    });
    ws.on('close', (code) => {
      stats.closed('client', code);
      outbox.dispose();
      registry.closed(a.id);
    });
    ws.on('error', () => stats.badInput('socket-error'));
  }

  return {
    stats,
    registry,
    async preflight(request, signal) {
      const id = stableUuid(seed, endpoint, 'speak-socket', ++sockets);
      const checked = check(request, id);
      const headers = { 'dg-request-id': id, 'x-callstorm-endpoint': endpoint };
      if (!checked.ok) {
        stats.refused(checked.status);
        return {
          kind: 'http',
          status: checked.status,
          headers: { 'content-type': 'application/json', 'dg-error': checked.message, ...headers },
          body: JSON.stringify(error(checked.status, checked.message, id)),
        };
      }
      const effects = faults.effectsFor(ctx, seeded(seed, 'tts-socket-upgrade', endpoint, id));
      const refusal = await faultRefusal(effects, {
        signal,
        faults,
        headers,
        errorBody: (status, message) => error(status, message, id),
      });
      if (refusal) {
        stats.refused(refusal.kind === 'http' ? refusal.status : 0);
        return refusal;
      }
      accepted.set(request, {
        format: checked.format,
        model: checked.model,
        id: checked.id,
        silent: effects.stream.silent,
      });
      return undefined;
    },
    handle(socket, request) {
      let entry = accepted.get(request);
      accepted.delete(request);
      if (!entry) {
        const checked = check(request, stableUuid(seed, endpoint, 'speak-socket', ++sockets));
        if (!checked.ok) {
          stats.refused(checked.status);
          socket.close(1008, checked.message.slice(0, 120));
          return;
        }
        entry = checked;
      }
      serve(socket, entry);
    },
  };
}
