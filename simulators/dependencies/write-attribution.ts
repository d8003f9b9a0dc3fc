import type { CallLifecycle } from './call-lifecycle.ts';

/** Why a request that names no call could not be given one. */
export type UnattributedReason = 'no-live-call' | 'ambiguous';

/**
 * Which call a CRM request belongs to. `header`: it named its call (`x-callstorm-call`, on this
 * request or an earlier attempt under the same Idempotency-Key). `lifetime`: it named none, and
 * exactly one live call touches what it touches. Otherwise none, never a guess: no live call
 * touches it, or several could own it (`candidates`).
 */
export type Attribution =
  | { readonly by: 'header' | 'lifetime'; readonly callId: string }
  | {
      readonly by: 'none';
      readonly reason: UnattributedReason;
      readonly candidates: readonly string[];
    };

export interface AttributableRequest {
  /** The call the request named (its header, or an earlier attempt's under the same key). */
  readonly callId?: string | undefined;
  readonly accountId?: string | undefined;
  /** A caller's number the request names (`find_account_by_phone?phone=`, a `phone` argument). */
  readonly phone?: string | undefined;
  /** Epoch ms: when the request (for a keyed write, its first attempt) reached the CRM. */
  readonly at: number;
}

/** Attributes one request; without a lifecycle only a named call attributes. */
export function attribute(request: AttributableRequest, lifecycle: CallLifecycle | undefined): Attribution {
  if (request.callId !== undefined) return { by: 'header', callId: request.callId };
  const owners = lifecycle?.ownersAt(request.at, request) ?? [];
  if (owners.length === 1) return { by: 'lifetime', callId: owners[0]!.callId };
  return owners.length === 0
    ? { by: 'none', reason: 'no-live-call', candidates: [] }
    : { by: 'none', reason: 'ambiguous', candidates: owners.map((o) => o.callId) };
}

/** Where an Idempotency-Key was first seen, and the call any of its attempts named. */
export interface KeySighting {
  readonly firstAt: number;
  readonly callId?: string;
}

/**
 * Every Idempotency-Key the CRM has seen on a write, before faults or validation: retries of one
 * write share a key, so a retry that lands after its call ended (a dead-letter replay) is
 * attributed where its first attempt was. Bounded by the writes the agent attempted.
 */
export class KeySightings {
  readonly #keys = new Map<string, KeySighting>();

  sight(key: string, at: number, callId: string | undefined): KeySighting {
    const seen = this.#keys.get(key);
    if (!seen) {
      const first: KeySighting = { firstAt: at, ...(callId !== undefined ? { callId } : {}) };
      this.#keys.set(key, first);
      return first;
    }
    if (seen.callId === undefined && callId !== undefined) {
      const named: KeySighting = { ...seen, callId };
      this.#keys.set(key, named);
      return named;
    }
    return seen;
  }

  get(key: string): KeySighting | undefined {
    return this.#keys.get(key);
  }

  clear(): void {
    this.#keys.clear();
  }
}
