import { type HttpHandler, HttpResponse, http } from 'msw';
import { TtsSynthesiser } from '../simulators/dependencies/tts-synthesiser.ts';
import { hash32, seeded } from '../simulators/seeded-random.ts';
import { abortableSleep } from './abortable-sleep.ts';
import { stableUuid } from './asr-handlers.ts';
import { type FaultSource, noFaults } from './fault-source.ts';
import { genericFaultResponse } from './generic-fault-response.ts';

export interface TtsHandlerOptions {
  synthesiser: TtsSynthesiser;
  faults?: FaultSource;
  /** Named endpoint (default `tts`). */
  endpoint?: string;
  /** Prefix of the handler paths: `*` (default) matches any origin. */
  baseUrl?: string;
  seed?: string | number;
  /** Apply reject/network/addedLatency here (default true). */
  applyGenericFaults?: boolean;
}

/** Deepgram's limit on the text of one request. */
export const MAX_TEXT_CHARS = 2000;

const deepgramError = (status: number, message: string, requestId: string) =>
  HttpResponse.json(
    {
      err_code: status >= 500 ? 'INTERNAL_SERVER_ERROR' : 'Bad Request',
      err_msg: message,
      request_id: requestId,
    },
    { status },
  );

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

      const rng = seeded(seed, 'tts-faults', endpoint, textHash, n);
      const effects = faults.effectsFor(
        { simulator: 'tts', endpoint, method: 'POST', path: '/v1/speak' },
        rng,
      );
      if (options.applyGenericFaults !== false) {
        const faulted = await genericFaultResponse(effects, {
          signal: request.signal,
          faults,
          errorBody: (status, message) => ({
            err_code: status >= 500 ? 'INTERNAL_SERVER_ERROR' : 'Bad Request',
            err_msg: message,
            request_id: requestId,
          }),
        });
        if (faulted) return faulted;
      }

      const synthesis = synthesiser.synthesise(text, `${textHash}:${n}`);
      const signal = request.signal;
      const emit = async (controller: ReadableStreamDefaultController<Uint8Array>) => {
        await abortableSleep(synthesis.ttfbMs, signal);
        for (const [i, size] of synthesis.chunks.entries()) {
          if (signal.aborted) return;
          if (i > 0) await abortableSleep(synthesis.chunkIntervalMs, signal);
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
