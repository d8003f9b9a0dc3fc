import type { WebSocket } from 'ws';
import type { AsrRecogniser } from '../simulators/dependencies/asr-recogniser.ts';
import type { FaultEffects } from '../simulators/dependencies/faults/fault-effects.ts';
import type { StreamEvent, StreamLatency } from '../simulators/dependencies/stream-events.ts';
import { StreamRecogniser } from '../simulators/dependencies/stream-recogniser.ts';
import type { StreamRegistry } from '../simulators/dependencies/stream-registry.ts';
import type { StreamStats } from '../simulators/dependencies/stream-stats.ts';
import type { UtteranceLinker } from '../simulators/dependencies/utterance-linker.ts';
import { parseListenClientMessage } from './deepgram-listen-client-message.ts';
import {
  CLOSE_REASONS,
  configureSuccessMessage,
  metadataMessage,
  resultsMessage,
  type StreamMeta,
  schemaErrorMessage,
  speechStartedMessage,
  utteranceEndMessage,
} from './deepgram-listen-messages.ts';
import type { ListenParams } from './deepgram-listen-params.ts';
import { SocketOutbox } from './socket-outbox.ts';
import { StreamAudioDecoder } from './stream-audio-decoder.ts';

/** What every stream of one `GET /v1/listen` endpoint shares. */
export interface ListenShared {
  readonly recogniser: AsrRecogniser;
  readonly linker: UtteranceLinker;
  readonly stats: StreamStats;
  readonly registry: StreamRegistry;
  readonly seed: string | number;
  readonly latency: Partial<StreamLatency> | false | undefined;
  readonly idleTimeoutMs: number;
  readonly maxFrameBytes: number;
  readonly interimEveryMs: number | undefined;
  /** Wall clock (ISO timestamps). */
  readonly now: () => number;
  /** The faults' effects on one speech segment of a stream. */
  readonly effectsFor: (
    streamId: string,
    ctx: { readonly segment: number; readonly cohort?: string; readonly callId?: string },
  ) => FaultEffects;
}

/**
 * One live `GET /v1/listen` stream on the wire: decodes the client's binary audio, hands it to a
 * StreamRecogniser, sends what that returns as Deepgram messages (in order, each after its delay),
 * and answers KeepAlive, Finalize, CloseStream and Configure. Bad input gets Deepgram's answer
 * (an `Error` message, or a close code) and a counter; nothing a client sends can throw.
 */
export class ListenSession {
  readonly #s: ListenShared;
  readonly #params: ListenParams;
  readonly #meta: StreamMeta;
  readonly #outbox: SocketOutbox;
  readonly #decoder: StreamAudioDecoder;
  readonly #pieces = new Map<string, string[]>();
  #recogniser: StreamRecogniser | undefined;
  #idle: NodeJS.Timeout | undefined;
  #ending = false;
  #closedByServer = false;

  constructor(ws: WebSocket, shared: ListenShared, params: ListenParams, streamId: string, silent: boolean) {
    this.#s = shared;
    this.#params = params;
    this.#meta = { requestId: streamId, model: params.model };
    this.#outbox = new SocketOutbox(ws);
    this.#decoder = new StreamAudioDecoder({
      ...(params.encoding ? { encoding: params.encoding } : {}),
      ...(params.sampleRate !== undefined ? { sampleRate: params.sampleRate } : {}),
      channels: params.channels,
    });
    shared.registry.opened(streamId);
    for (const name of params.unknown) shared.stats.unknownParam(name);
    if (silent) this.#silence();
    ws.on('message', (data, isBinary) => {
      try {
        this.#onMessage(data as Buffer | Buffer[] | ArrayBuffer, isBinary);
      } catch {
        // Nothing a client sends may take the simulator down; count it and close as a vendor would.
        shared.stats.badInput('internal');
        this.#closeNow(1011, CLOSE_REASONS.internal);
      }
    });
    ws.on('close', (code) => {
      if (!this.#closedByServer) shared.stats.closed('client', code);
      this.#dispose();
    });
    ws.on('error', () => {
      shared.stats.badInput('socket-error');
    });
    this.#armIdle();
  }

  #onMessage(data: Buffer | Buffer[] | ArrayBuffer, isBinary: boolean): void {
    if (this.#ending) return;
    this.#armIdle();
    const bytes = toBytes(data);
    if (isBinary) {
      this.#onAudio(bytes);
      return;
    }
    const text = Buffer.from(bytes).toString('utf8');
    const message = parseListenClientMessage(text);
    const stats = this.#s.stats;
    if (message.type === 'invalid') {
      stats.badInput(message.kind);
      this.#send(schemaErrorMessage(message.description, text), 'Error');
      return;
    }
    stats.received(message.type);
    if (message.type === 'Finalize') this.#dispatch(this.#recogniser?.finalize() ?? []);
    else if (message.type === 'CloseStream') this.#end();
    else if (message.type === 'Configure')
      this.#send(configureSuccessMessage(this.#meta.requestId, message.keyterms), 'ConfigureSuccess');
  }

  #onAudio(bytes: Uint8Array): void {
    const stats = this.#s.stats;
    if (bytes.length === 0) {
      // Deepgram's legacy end-of-stream signal: an empty binary frame closes the stream.
      stats.received('empty-frame');
      this.#end();
      return;
    }
    if (bytes.length > this.#s.maxFrameBytes) {
      stats.badInput('frame-too-large');
      this.#closeNow(1009, `binary frame of ${bytes.length} bytes exceeds ${this.#s.maxFrameBytes}`);
      return;
    }
    stats.frames++;
    stats.bytes += bytes.length;
    const decoded = this.#decoder.push(bytes);
    if (!decoded.ok) {
      stats.badInput('undecodable-audio');
      this.#closeNow(1008, CLOSE_REASONS.undecodable);
      return;
    }
    if (decoded.split) stats.badInput('split-sample');
    if (decoded.skippedHeader) stats.badInput('container-in-raw-stream');
    if (decoded.samples.length === 0) return;
    const recogniser = this.#ensureRecogniser();
    if (!recogniser) return;
    stats.audioSeconds += decoded.samples.length / this.#decoder.sampleRate!;
    this.#dispatch(recogniser.push(decoded.samples, performance.now()));
  }

  #ensureRecogniser(): StreamRecogniser | undefined {
    if (this.#recogniser) return this.#recogniser;
    const sampleRate = this.#decoder.sampleRate;
    if (sampleRate === undefined) return undefined;
    const s = this.#s;
    const id = this.#meta.requestId;
    this.#recogniser = new StreamRecogniser({
      streamId: id,
      sampleRate,
      recogniser: s.recogniser,
      linker: s.linker,
      settings: {
        endpointingMs: this.#params.endpointingMs,
        interimResults: this.#params.interimResults,
        ...(this.#params.utteranceEndMs !== undefined ? { utteranceEndMs: this.#params.utteranceEndMs } : {}),
        vadEvents: this.#params.vadEvents,
        punctuate: this.#params.punctuate,
      },
      seed: s.seed,
      ...(s.latency !== undefined ? { latency: s.latency } : {}),
      ...(s.interimEveryMs !== undefined ? { interimEveryMs: s.interimEveryMs } : {}),
      effectsFor: (ctx) => s.effectsFor(id, ctx),
      stats: s.stats,
      onBound: (callId) => s.registry.bind(id, callId),
    });
    return this.#recogniser;
  }

  #dispatch(events: readonly StreamEvent[]): void {
    for (const e of events) {
      switch (e.kind) {
        case 'results': {
          const type = e.isFinal ? 'Results.final' : 'Results.interim';
          const id = e.utteranceId;
          let transcript = '';
          if (id !== undefined && e.transcript !== '') {
            const pieces = this.#pieces.get(id) ?? [];
            pieces.push(e.transcript);
            this.#pieces.set(id, pieces);
            transcript = pieces.join(' ');
            // A bot's turn may be a run of these finals (a pause inside an utterance ends a turn).
            this.#s.recogniser.groundTruth.recordTranscriptPiece(id, e.transcript);
          }
          this.#send(resultsMessage(e, this.#meta), type, e.delayMs, (at) => {
            if (e.endpointArrivalMs !== undefined)
              this.#s.stats.addedDelayMs(at - e.endpointArrivalMs - e.delayMs);
            if (id === undefined || e.speechEndArrivalMs === undefined) return;
            const latencyMs = at - e.speechEndArrivalMs;
            this.#s.stats.latencyMs(latencyMs);
            this.#s.recogniser.groundTruth.recordSpeechToText({
              utteranceId: id,
              latencyMs: Math.round(latencyMs * 10) / 10,
              transcript,
              streamId: this.#meta.requestId,
              at: new Date(this.#s.now()).toISOString(),
            });
          });
          break;
        }
        case 'speech-started':
          this.#send(speechStartedMessage(e.timestamp), 'SpeechStarted');
          break;
        case 'utterance-end':
          this.#send(utteranceEndMessage(e.lastWordEnd), 'UtteranceEnd');
          break;
        case 'drop':
          this.#closeNow(1011, CLOSE_REASONS.internal);
          return;
        case 'silence':
          this.#silence();
          return;
      }
    }
  }

  /** CloseStream: the remaining finals, then Metadata, then a normal close. */
  #end(): void {
    if (this.#ending) return;
    this.#ending = true;
    this.#dispatch(this.#recogniser?.close() ?? []);
    this.#send(this.#metadata(), 'Metadata');
    this.#closedByServer = true;
    if (!this.#outbox.muted) this.#s.stats.closed('server', 1000);
    this.#outbox.close(1000);
    this.#clearIdle();
  }

  #metadata(): string {
    return metadataMessage({
      ...this.#meta,
      durationSec: this.#recogniser?.durationSec ?? 0,
      channels: this.#params.channels,
      created: new Date(this.#s.now()).toISOString(),
    });
  }

  #send(data: string, type: string, delayMs = 0, onSent?: (at: number) => void): void {
    if (this.#outbox.muted) return;
    this.#s.stats.sent(type);
    this.#outbox.send(data, delayMs, onSent);
  }

  #silence(): void {
    this.#outbox.mute();
    this.#clearIdle();
  }

  #closeNow(code: number, reason: string): void {
    if (!this.#closedByServer && !this.#outbox.muted) {
      this.#closedByServer = true;
      this.#s.stats.closed('server', code);
    }
    this.#ending = true;
    this.#clearIdle();
    this.#outbox.closeNow(code, reason);
  }

  #armIdle(): void {
    if (this.#outbox.muted || this.#ending) return;
    this.#clearIdle();
    this.#idle = setTimeout(() => {
      this.#s.stats.badInput('idle-timeout');
      this.#send(this.#metadata(), 'Metadata');
      this.#ending = true;
      this.#closedByServer = true;
      this.#s.stats.closed('server', 1011);
      this.#outbox.close(1011, CLOSE_REASONS.idle);
    }, this.#s.idleTimeoutMs);
    this.#idle.unref?.();
  }

  #clearIdle(): void {
    if (this.#idle) clearTimeout(this.#idle);
    this.#idle = undefined;
  }

  #dispose(): void {
    this.#clearIdle();
    this.#outbox.dispose();
    this.#ending = true;
    this.#s.registry.closed(this.#meta.requestId);
  }
}

function toBytes(data: Buffer | Buffer[] | ArrayBuffer): Uint8Array {
  if (Array.isArray(data)) return Buffer.concat(data);
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  return data;
}
