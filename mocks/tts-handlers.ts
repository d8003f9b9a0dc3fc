import { type HttpHandler, HttpResponse, http } from 'msw';
import { TtsSynthesiser } from '../simulators/dependencies/tts-synthesiser.ts';
import { hash32 } from '../simulators/seeded-random.ts';
import { sleep } from '../src/util/abortable-sleep.ts';
import { stableUuid } from './asr-handlers.ts';
import { faultGate } from './fault-gate.ts';
import { type FaultSource, noFaults } from './fault-source.ts';

export interface TtsHandlerOptions {
  synthesiser: TtsSynthesiser;
  faults?: FaultSource;
  /** Named endpoint (default `tts`). */
  endpoint?: string;
  /** Prefix of the handler paths: `*` (default) matches any origin. */
  baseUrl?: string;
  seed?: string | number;
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

/** Deepgram-style `POST /v1/speak` → μ-law 8 kHz audio streamed in chunks. */
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
      const encoding = url.searchParams.get('encoding') ?? 'mulaw';
      const sampleRate = url.searchParams.get('sample_rate') ?? '8000';
      if (encoding !== 'mulaw' || sampleRate !== '8000') {
        return deepgramError(
          400,
          `the simulator speaks encoding=mulaw&sample_rate=8000 only (got encoding=${encoding}, sample_rate=${sampleRate})`,
          requestId,
        );
      }
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

      const synthesis = synthesiser.synthesise(text, `${textHash}:${n}`);
      const signal = request.signal;
      const emit = async (controller: ReadableStreamDefaultController<Uint8Array>) => {
        await sleep(synthesis.ttfbMs, signal);
        for (const [i, size] of synthesis.chunks.entries()) {
          if (signal.aborted) return;
          if (i > 0) await sleep(synthesis.chunkIntervalMs, signal);
          controller.enqueue(TtsSynthesiser.chunkBytes(size));
        }
        controller.close();
      };
      const body = new ReadableStream<Uint8Array>({
        start(controller) {
          emit(controller).catch(() => {
            // The client went away.
          });
        },
      });
      return new HttpResponse(body, {
        headers: {
          'content-type': 'audio/mulaw',
          'x-callstorm-audio-ms': String(synthesis.audioMs),
          'x-callstorm-endpoint': endpoint,
          'dg-request-id': requestId,
          'dg-model-name': url.searchParams.get('model') ?? 'aura-2-thalia-en',
          'dg-char-count': String(text.length),
        },
      });
    }),
  ];
}
