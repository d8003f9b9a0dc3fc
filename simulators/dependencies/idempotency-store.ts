import { createHash } from 'node:crypto';

/** A stored answer to a write, replayed to retries that carry the same Idempotency-Key. */
export interface StoredResponse {
  readonly status: number;
  readonly body: unknown;
}

export type IdempotencyOutcome =
  | { readonly kind: 'new' }
  | { readonly kind: 'replay'; readonly response: StoredResponse }
  | { readonly kind: 'conflict' };

/**
 * Stripe-style idempotency: the first accepted request under a key is remembered with a
 * fingerprint of what it asked for. A retry with the same key and the same request gets the
 * original response again and writes nothing; the same key with a different request is a
 * conflict (422). Only accepted writes are remembered, so a rejected request may be retried.
 */
export class IdempotencyStore {
  private readonly entries = new Map<string, { fingerprint: string; response: StoredResponse }>();

  /** A stable digest of a request: method, path and body with object keys sorted. */
  static fingerprint(method: string, path: string, body: unknown): string {
    return createHash('sha256')
      .update(`${method} ${path}\n${canonicalJson(body)}`)
      .digest('hex');
  }

  check(key: string, fingerprint: string): IdempotencyOutcome {
    const entry = this.entries.get(key);
    if (!entry) return { kind: 'new' };
    return entry.fingerprint === fingerprint
      ? { kind: 'replay', response: entry.response }
      : { kind: 'conflict' };
  }

  remember(key: string, fingerprint: string, response: StoredResponse): void {
    if (!this.entries.has(key)) this.entries.set(key, { fingerprint, response });
  }

  get size(): number {
    return this.entries.size;
  }

  clear(): void {
    this.entries.clear();
  }
}

/** JSON with object keys sorted, so equal objects give equal strings. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => {
    if (v === null || typeof v !== 'object' || Array.isArray(v)) return v;
    const record = v as Record<string, unknown>;
    return Object.fromEntries(
      Object.keys(record)
        .sort()
        .map((k) => [k, record[k]]),
    );
  });
}
