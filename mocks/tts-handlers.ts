import { type HttpHandler, HttpResponse, http } from 'msw';
import type { SpeechLog } from '../simulators/dependencies/speech-log.ts';
import type { TtsSynthesiser } from '../simulators/dependencies/tts-synthesiser.ts';
import { hash32 } from '../simulators/seeded-random.ts';
import { stableUuid } from './asr-handlers.ts';
import { faultGate } from './fault-gate.ts';
import { type FaultSource, noFaults } from './fault-source.ts';
import { createOpenAiSpeechHandler } from './openai-speech-handler.ts';
import { speechStream } from './speech-stream.ts';
import { chunkSpeech, contentTypeOf, encodeSpeech, parseSpeakFormat } from './tts-audio-format.ts';

export interface TtsHandlerOptions {
  synthesiser: TtsSynthesiser;
  faults?: FaultSource;
  /** Named endpoint (default `tts`). */
  endpoint?: string;
  /** Prefix of the handler paths: `*` (default) matches any origin. */
  baseUrl?: string;
  seed?: string | number;
  /** Records every text the simulator is asked to say (attributed to calls where it can tell). */
  speechLog?: SpeechLog;
}

/** Deepgram's limit on the text of one request. */
export const MAX_TEXT_CHARS = 2000;

const deepgramErrorBody = (status: number, message: string, requestId: string) => ({
  err_code: status >= 500 ? 'INTERNAL_SERVER_ERROR' : 'Bad Request',
  err_msg: message,
  request_id: requestId,
});

const deepgramError = (status: number, message: string, requestId: string) =>
  HttpResponse.json(deepgramErrorBody(status, message, requestId), { status });

/**
 * Deepgram-style `POST /v1/speak` (speech-like audio in the encoding, rate and container asked
 * for, streamed in chunks) and OpenAI-compatible `POST /v1/audio/speech`.
 */
export function createTtsHandlers(options: TtsHandlerOptions): HttpHandler[] {
  const { synthesiser } = options;
  const faults = options.faults ?? noFaults;
  const endpoint = options.endpoint ?? 'tts';
  const seed = options.seed ?? 0;
  const seen = new Map<number, number>();

  return [
    http.post(`${options.baseUrl ?? '*'}/v1/speak`, async ({ request }) => {
      const url = new URL(request.url);
      const raw = await request.text();
      const textHash = hash32(raw);
      const n = (seen.get(textHash) ?? 0) + 1;
      seen.set(textHash, n);
      const requestId = stableUuid(seed, endpoint, textHash, n);
      const parsed = parseSpeakFormat(url.searchParams);
      if (!parsed.ok) return deepgramError(400, parsed.message, requestId);
      const format = parsed.format;
      let text: unknown;
      try {
        text = (JSON.parse(raw) as { text?: unknown }).text;
      } catch {
        return deepgramError(400, 'the body must be JSON {"text": "..."}', requestId);
      }
      if (typeof text !== 'string' || text.trim() === '')
        return deepgramError(400, 'text must be a non-empty string', requestId);
      if (text.length > MAX_TEXT_CHARS)
        return deepgramError(413, `text is longer than ${MAX_TEXT_CHARS} characters`, requestId);

      const gate = await faultGate({
        faults,
        signal: request.signal,
        context: { simulator: 'tts', endpoint, method: 'POST', path: '/v1/speak' },
        rngKey: [seed, 'tts-faults', endpoint, textHash, n],
        errorBody: (status, message) => deepgramErrorBody(status, message, requestId),
      });
      if (gate.response) return gate.response;

      const model = url.searchParams.get('model') ?? 'aura-2-thalia-en';
      const synthesis = synthesiser.synthesise(text, `${textHash}:${n}`);
      const samples = synthesiser.render(text, {
        sampleRate: format.sampleRate,
        audioMs: synthesis.audioMs,
        voice: model,
      });
      options.speechLog?.record({ wire: 'speak', text, audioMs: synthesis.audioMs, ...format });
      const chunks = chunkSpeech(encodeSpeech(samples, format), format, synthesis.chunkMs);
      return new HttpResponse(speechStream(chunks, synthesis, request.signal), {
        headers: {
          'content-type': contentTypeOf(format),
          'x-callstorm-audio-ms': String(synthesis.audioMs),
          'x-callstorm-endpoint': endpoint,
          'dg-request-id': requestId,
          'dg-model-name': model,
          'dg-char-count': String(text.length),
        },
      });
    }),
    createOpenAiSpeechHandler({ ...options, faults, endpoint, seed }),
  ];
}
