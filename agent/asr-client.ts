import { type Dispatcher, request } from 'undici';
import { asDependencyError, DependencyError, parseRetryAfter } from './dependency-error.ts';

export interface Transcription {
  readonly transcript: string;
  readonly confidence: number;
  readonly status: number;
}

export interface AsrClientOptions {
  readonly url: string;
  readonly model: string;
  readonly dispatcher: Dispatcher;
  readonly endpoint?: string;
}

interface ListenBody {
  results?: { channels?: { alternatives?: { transcript?: string; confidence?: number }[] }[] };
}

/**
 * Deepgram-style pre-recorded transcription: the caller's μ-law audio goes up as the raw request
 * body, exactly as a real agent forwards it; one attempt per call (policies live in the profile).
 */
export class AsrClient {
  readonly endpoint: string;
  readonly #options: AsrClientOptions;

  constructor(options: AsrClientOptions) {
    this.#options = options;
    this.endpoint = options.endpoint ?? 'asr';
  }

  async transcribe(
    audio: Uint8Array,
    context: { locale: string; headers: Record<string, string>; signal?: AbortSignal },
  ): Promise<Transcription> {
    const url = `${this.#options.url}/v1/listen?model=${encodeURIComponent(this.#options.model)}&language=${encodeURIComponent(context.locale)}&encoding=mulaw&sample_rate=8000&punctuate=true`;
    let response: Dispatcher.ResponseData;
    try {
      response = await request(url, {
        method: 'POST',
        dispatcher: this.#options.dispatcher,
        headers: {
          ...context.headers,
          'content-type': 'audio/mulaw',
          authorization: 'Token callstorm-local',
        },
        body: audio,
        ...(context.signal ? { signal: context.signal } : {}),
      });
    } catch (error) {
      throw asDependencyError('asr', this.endpoint, error, context.signal);
    }
    const status = response.statusCode;
    if (status < 200 || status >= 300) {
      const text = await response.body.text().catch(() => '');
      const retryAfterMs = parseRetryAfter(response.headers['retry-after']);
      throw new DependencyError('asr', this.endpoint, status, `HTTP ${status} ${text.slice(0, 200)}`, {
        ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
      });
    }
    let body: ListenBody;
    try {
      body = (await response.body.json()) as ListenBody;
    } catch (error) {
      throw asDependencyError('asr', this.endpoint, error, context.signal);
    }
    const alternative = body.results?.channels?.[0]?.alternatives?.[0];
    return {
      transcript: (alternative?.transcript ?? '').trim(),
      confidence: typeof alternative?.confidence === 'number' ? alternative.confidence : 0,
      status,
    };
  }
}
