import { type Dispatcher, request } from 'undici';
import type { CrmRequest } from './agent-tools.ts';
import { DependencyError, parseRetryAfter } from './dependency-error.ts';

export interface CrmResponse {
  readonly status: number;
  readonly body: unknown;
  /** The CRM answered an Idempotency-Key retry with the original result (nothing new written). */
  readonly replayed: boolean;
}

export interface CrmSendOptions {
  readonly headers: Record<string, string>;
  readonly idempotencyKey?: string;
  readonly signal?: AbortSignal;
  /** undici's headers timeout for this request (the pilot's hard-coded client timeout). */
  readonly timeoutMs?: number;
}

/** The CRM's REST API over undici: one attempt per call; non-2xx answers throw DependencyError. */
export class CrmClient {
  readonly endpoint: string;
  readonly #url: string;
  readonly #dispatcher: Dispatcher;

  constructor(options: { url: string; dispatcher: Dispatcher; endpoint?: string }) {
    this.#url = options.url;
    this.#dispatcher = options.dispatcher;
    this.endpoint = options.endpoint ?? 'crm';
  }

  async send(req: CrmRequest, options: CrmSendOptions): Promise<CrmResponse> {
    const headers: Record<string, string> = { ...options.headers, accept: 'application/json' };
    if (req.body) headers['content-type'] = 'application/json';
    if (options.idempotencyKey !== undefined) headers['idempotency-key'] = options.idempotencyKey;
    let response: Dispatcher.ResponseData;
    try {
      response = await request(`${this.#url}${req.path}`, {
        method: req.method,
        dispatcher: this.#dispatcher,
        headers,
        ...(req.body ? { body: JSON.stringify(req.body) } : {}),
        ...(options.signal ? { signal: options.signal } : {}),
        ...(options.timeoutMs !== undefined
          ? { headersTimeout: options.timeoutMs, bodyTimeout: options.timeoutMs }
          : {}),
      });
    } catch (error) {
      throw failure(error, this.endpoint, options.signal);
    }
    let body: unknown;
    try {
      const text = await response.body.text();
      body = text === '' ? null : JSON.parse(text);
    } catch (error) {
      if (response.statusCode >= 200 && response.statusCode < 300)
        throw failure(error, this.endpoint, options.signal);
      body = null;
    }
    const status = response.statusCode;
    if (status < 200 || status >= 300) {
      const retryAfterMs = parseRetryAfter(response.headers['retry-after']);
      const message = (body as { error?: { message?: string } } | null)?.error?.message ?? `HTTP ${status}`;
      throw new DependencyError('crm', this.endpoint, status, message, {
        cause: body,
        ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
      });
    }
    return { status, body, replayed: response.headers['idempotent-replayed'] === 'true' };
  }
}

function failure(error: unknown, endpoint: string, signal: AbortSignal | undefined): DependencyError {
  if (error instanceof DependencyError) return error;
  const code = (error as { code?: string } | null)?.code;
  const timedOut =
    signal?.aborted === true || code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT';
  return new DependencyError(
    'crm',
    endpoint,
    timedOut ? 'timeout' : 'network-error',
    error instanceof Error ? error.message : String(error),
    { cause: error },
  );
}
