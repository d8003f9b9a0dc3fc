import { HttpResponse } from 'msw';
import type { FaultEffects } from '../simulators/dependencies/faults/fault-effects.ts';
import { abortableSleep } from './abortable-sleep.ts';
import type { FaultSource } from './fault-source.ts';

/** How long an emulated "hang" holds a request when the client never gives up. */
export const HANG_MS = 600_000;

export interface GenericFaultOptions {
  signal: AbortSignal;
  /** The fault set (a hang lasts until its fault is cleared). */
  faults: FaultSource;
  /** Headers every response of this simulator carries (e.g. x-callstorm-region). */
  headers?: Record<string, string>;
  /** The simulator's own error body for a status (OpenAI, Deepgram, … shapes differ). */
  errorBody: (status: number, message: string) => unknown;
}

/**
 * The effects every simulator handles the same way: added latency, an emulated network failure
 * (refuse = a network error, hang = no answer until the fault is cleared or the client gives up), or an HTTP error with
 * Retry-After. Returns the response to send instead of the real one, or undefined to carry on.
 */
export async function genericFaultResponse(
  effects: FaultEffects,
  options: GenericFaultOptions,
): Promise<Response | undefined> {
  await abortableSleep(effects.addedLatencyMs, options.signal);
  if (effects.network === 'refuse') return HttpResponse.error();
  if (effects.network === 'hang') {
    // No answer until the fault is cleared (then carry on) or the client gives up (network error).
    if (options.faults.hangUntilCleared) {
      try {
        await options.faults.hangUntilCleared(effects, options.signal);
      } catch {
        return HttpResponse.error();
      }
    } else {
      await abortableSleep(HANG_MS, options.signal);
      return HttpResponse.error();
    }
  }
  if (effects.reject) {
    const { status, retryAfterSeconds, message } = effects.reject;
    const headers: Record<string, string> = { ...options.headers };
    if (retryAfterSeconds !== undefined) headers['retry-after'] = String(retryAfterSeconds);
    return HttpResponse.json(options.errorBody(status, message) as Record<string, unknown>, {
      status,
      headers,
    });
  }
  return undefined;
}
