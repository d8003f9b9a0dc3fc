import { type Dispatcher, request } from 'undici';
import { asDependencyError, DependencyError, parseRetryAfter } from './dependency-error.ts';

/** μ-law 8 kHz: 8 bytes per millisecond. */
const BYTES_PER_MS = 8;

export interface Speech {
  readonly audioMs: number;
  readonly bytes: number;
  /** performance.now() when the first audio byte arrived. */
  readonly firstByteAt: number;
  readonly status: number;
}

export interface TtsClientOptions {
  readonly url: string;
  readonly model: string;
  readonly dispatcher: Dispatcher;
  readonly endpoint?: string;
}

/**
 * Deepgram-style `POST /v1/speak` → μ-law 8 kHz audio, streamed. The first byte is when the caller
 * starts hearing the reply. The length comes from `x-callstorm-audio-ms` when the TTS sends it
 * (then the rest streams out in the background); otherwise the whole stream is read to know it.
 */
export class TtsClient {
  readonly endpoint: string;
  readonly #options: TtsClientOptions;

  constructor(options: TtsClientOptions) {
    this.#options = options;
    this.endpoint = options.endpoint ?? 'tts';
  }

  async speak(
    text: string,
    context: { headers: Record<string, string>; signal?: AbortSignal; onFirstByte?: (at: number) => void },
  ): Promise<Speech> {
    const url = `${this.#options.url}/v1/speak?model=${encodeURIComponent(this.#options.model)}&encoding=mulaw&sample_rate=8000`;
    let response: Dispatcher.ResponseData;
    try {
      response = await request(url, {
        method: 'POST',
        dispatcher: this.#options.dispatcher,
        headers: {
          ...context.headers,
          'content-type': 'application/json',
          authorization: 'Token callstorm-local',
        },
        body: JSON.stringify({ text }),
        ...(context.signal ? { signal: context.signal } : {}),
      });
    } catch (error) {
      throw asDependencyError('tts', this.endpoint, error, context.signal);
    }
    const status = response.statusCode;
    if (status < 200 || status >= 300) {
      const body = await response.body.text().catch(() => '');
      const retryAfterMs = parseRetryAfter(response.headers['retry-after']);
      throw new DependencyError('tts', this.endpoint, status, `HTTP ${status} ${body.slice(0, 200)}`, {
        ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
      });
    }
    const declared = Number(response.headers['x-callstorm-audio-ms']);
    let bytes = 0;
    let firstByteAt: number | undefined;
    try {
      for await (const chunk of response.body) {
        const size = (chunk as Buffer).length;
        if (size === 0) continue;
        if (firstByteAt === undefined) {
          firstByteAt = performance.now();
          context.onFirstByte?.(firstByteAt);
          // The reply can start playing now: when the TTS says how long the audio is, answer at
          // the first byte and let the rest stream out, as a telephony leg would.
          if (Number.isFinite(declared) && declared > 0) {
            response.body.dump({ limit: 64 * 1024 * 1024 }).catch(() => {});
            return {
              audioMs: Math.round(declared),
              bytes: Math.round(declared * BYTES_PER_MS),
              firstByteAt,
              status,
            };
          }
        }
        bytes += size;
      }
    } catch (error) {
      throw asDependencyError('tts', this.endpoint, error, context.signal);
    }
    if (firstByteAt === undefined) {
      throw new DependencyError('tts', this.endpoint, 'incomplete', 'the audio stream was empty');
    }
    return { audioMs: Math.round(bytes / BYTES_PER_MS), bytes, firstByteAt, status };
  }
}
