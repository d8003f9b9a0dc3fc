import { HttpResponse } from 'msw';
import type { FaultEffects, RequestContext } from '../simulators/dependencies/faults/fault-effects.ts';
import { type Random, seeded } from '../simulators/seeded-random.ts';
import { sleep } from '../src/util/abortable-sleep.ts';
import type { FaultSource } from './fault-source.ts';

/** How long an emulated "hang" holds a request when the client never gives up. */
export const HANG_MS = 600_000;

export interface FaultGateRequest {
  readonly faults: FaultSource;
  /** What the faults may target: simulator, endpoint, method, path, cohort and call when known. */
  readonly context: RequestContext;
  /** The parts of the seed of this request's draws: the same request and attempt, the same draws. */
  readonly rngKey: readonly (string | number)[];
  /** The request's signal: a client that goes away ends a hang or a wait. */
  readonly signal: AbortSignal;
  /** The simulator's own error body for an injected status (OpenAI, Deepgram, … shapes differ). */
  readonly errorBody: (status: number, message: string) => unknown;
  /** Headers every response of this simulator carries (e.g. x-callstorm-region). */
  readonly headers?: Readonly<Record<string, string>>;
  /**
   * `first` (default): the added latency is waited out before anything else. `handler`: the
   * handler adds `effects.addedLatencyMs` to its own service time (the CRM commits a write, then
   * is slow to answer, as a real server would be).
   */
  readonly addedLatency?: 'first' | 'handler';
}

/** The answer of a fault instead of the real one, or the effects the handler goes on with. */
export type FaultGate =
  | { readonly response: Response }
  | { readonly response?: undefined; readonly effects: FaultEffects; readonly rng: Random };

/**
 * The fault handling every simulated HTTP endpoint shares, around the handler's own work: asks the
 * faults what they do to this request (with a generator seeded by `rngKey`, which the handler
 * keeps drawing from), waits out added latency, emulates a network failure (`refuse` = a network
 * error, the host resets the socket; `hang` = no answer until the fault is cleared, then the
 * request carries on, or until the client gives up), and answers an injected HTTP error in the
 * simulator's shape with Retry-After. Faults specific to one simulator (an LLM's slow first
 * token, an ASR's error rate) stay in its handler, read from `effects`.
 */
export async function faultGate(request: FaultGateRequest): Promise<FaultGate> {
  const rng = seeded(...request.rngKey);
  const effects = request.faults.effectsFor(request.context, rng);
  const response = await faultResponse(effects, request);
  return response ? { response } : { effects, rng };
}

/**
 * The generic part of the gate on effects already drawn (a WebSocket route draws them once for
 * its handshake and its stream faults): added latency, an emulated network failure, an injected
 * HTTP error. The response to send instead of the real one, or undefined to carry on.
 */
export async function faultResponse(
  effects: FaultEffects,
  request: Pick<FaultGateRequest, 'faults' | 'signal' | 'errorBody' | 'headers' | 'addedLatency'>,
): Promise<Response | undefined> {
  if (request.addedLatency !== 'handler') await sleep(effects.addedLatencyMs, request.signal);
  if (effects.network === 'refuse') return HttpResponse.error();
  if (effects.network === 'hang') {
    if (!request.faults.hangUntilCleared) {
      await sleep(HANG_MS, request.signal);
      return HttpResponse.error();
    }
    try {
      await request.faults.hangUntilCleared(effects, request.signal);
    } catch {
      return HttpResponse.error();
    }
  }
  if (effects.reject) {
    const { status, retryAfterSeconds, message } = effects.reject;
    const headers: Record<string, string> = { ...request.headers };
    if (retryAfterSeconds !== undefined) headers['retry-after'] = String(retryAfterSeconds);
    const body = request.errorBody(status, message) as Record<string, unknown>;
    return HttpResponse.json(body, { status, headers });
  }
  return undefined;
}
