import type { StreamResult } from '../simulators/dependencies/stream-events.ts';
import { hash32 } from '../simulators/seeded-random.ts';

/** Deepgram live streaming's server messages, in the shape its SDKs parse (`ListenV1*`). */
export const MODEL_UUID = '1abfe86b-e047-4eed-858a-35e5625b41ee';
export const MODEL_VERSION = '2024-11-18.8573';

/** Close reasons Deepgram sends (close code 1011 / 1008), see its STT troubleshooting guide. */
export const CLOSE_REASONS = {
  idle: 'Deepgram did not receive audio data or a text message within the timeout window. See https://dpgr.am/net0001',
  undecodable: 'Deepgram failed to decode the payload as audio. See https://dpgr.am/data0000',
  internal: 'Deepgram encountered an internal error while processing the stream. See https://dpgr.am/net0000',
} as const;

export interface StreamMeta {
  readonly requestId: string;
  readonly model: string;
}

function modelInfo(model: string) {
  return { name: model, version: MODEL_VERSION, arch: model.split('-')[0] ?? model };
}

export function resultsMessage(r: StreamResult, meta: StreamMeta): string {
  return JSON.stringify({
    type: 'Results',
    channel_index: [0, 1],
    duration: r.duration,
    start: r.start,
    is_final: r.isFinal,
    speech_final: r.speechFinal,
    channel: {
      alternatives: [{ transcript: r.transcript, confidence: r.confidence, words: r.words }],
    },
    metadata: { request_id: meta.requestId, model_info: modelInfo(meta.model), model_uuid: MODEL_UUID },
    from_finalize: r.fromFinalize,
  });
}

export function speechStartedMessage(timestamp: number): string {
  return JSON.stringify({ type: 'SpeechStarted', channel: [0], timestamp });
}

export function utteranceEndMessage(lastWordEnd: number): string {
  return JSON.stringify({ type: 'UtteranceEnd', channel: [0, 1], last_word_end: lastWordEnd });
}

/** The summary Deepgram sends after CloseStream (and before an idle close). */
export function metadataMessage(
  meta: StreamMeta & { readonly durationSec: number; readonly channels: number; readonly created: string },
): string {
  return JSON.stringify({
    type: 'Metadata',
    transaction_key: 'deprecated',
    request_id: meta.requestId,
    sha256: hash32(meta.requestId).toString(16).padStart(8, '0').repeat(8),
    created: meta.created,
    duration: Math.round(meta.durationSec * 1000) / 1000,
    channels: meta.channels,
    models: [MODEL_UUID],
    model_info: { [MODEL_UUID]: modelInfo(meta.model) },
  });
}

/** Deepgram's answer to a text message it cannot parse (the socket stays open). */
export function schemaErrorMessage(description: string, original: string): string {
  return JSON.stringify({
    type: 'Error',
    variant: 'SchemaError',
    description,
    message: original.length > 1024 ? `${original.slice(0, 1024)}…` : original,
  });
}

export function configureSuccessMessage(requestId: string, keyterms: unknown): string {
  return JSON.stringify({
    type: 'ConfigureSuccess',
    request_id: requestId,
    ...(Array.isArray(keyterms) ? { keyterms } : {}),
  });
}

/** The body of a refused handshake (`err_code`, `err_msg`, `request_id`, as Deepgram's REST errors). */
export function handshakeError(status: number, message: string, requestId: string) {
  const code =
    status === 401
      ? 'INVALID_AUTH'
      : status === 429
        ? 'TOO_MANY_REQUESTS'
        : status >= 500
          ? 'INTERNAL_SERVER_ERROR'
          : 'Bad Request';
  return { err_code: code, err_msg: message, request_id: requestId };
}
