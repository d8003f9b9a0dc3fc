import { request } from 'undici';
import type { SimulatorAddress } from '../../simulators/simulator-endpoints.ts';

/** What a run's simulators saw while some calls ran: the wrong-wiring check's evidence. */
export interface WiringEvidence {
  /**
   * Requests each simulated API served since the simulators started (HTTP requests, including
   * those answered with a fault or abandoned by the client, and WebSocket streams opened or refused).
   */
  readonly requests: Readonly<Record<string, number>>;
  /**
   * The calls the simulators tied at least one request to, or null when this evidence cannot tie
   * requests to calls (request counters cannot; a call-lifecycle registry can).
   */
  readonly attributed: readonly string[] | null;
}

interface Counters {
  readonly requests?: { readonly total?: number };
  readonly network?: { readonly refused?: number; readonly aborted?: number };
}
interface Streams {
  readonly streams?: { readonly opened?: number; readonly refused?: Readonly<Record<string, number>> };
}

// undici's request, as the driver's agent adapter uses: no lazy set-up of the global fetch mid-run.
async function getJson<T>(url: string, timeoutMs: number): Promise<T | null> {
  const res = await request(url, { headersTimeout: timeoutMs, bodyTimeout: timeoutMs });
  if (res.statusCode === 404) {
    await res.body.dump();
    return null;
  }
  if (res.statusCode !== 200) {
    await res.body.dump();
    throw new Error(`GET ${url} answered ${res.statusCode}`);
  }
  return (await res.body.json()) as T;
}

/**
 * What this run's simulators saw of `callIds`, from their control APIs: each endpoint's request
 * counters (`GET <control>/counters`) and live streams (`GET <control>/streams`, where it has
 * them). Counters need no `x-callstorm-*` header, so they judge a bot that forwards none (a
 * Twilio bot) as well as a protocol agent. They start at zero with the simulators, which serve
 * only this run, so "no request at all" means the agent talked to other dependencies.
 * Rejects when a control API cannot be read (the check is then undecided, never failed).
 *
 * One small function so the check can later read the call-lifecycle registry (requests per call).
 */
export async function wiringEvidenceFor(
  endpoints: readonly SimulatorAddress[],
  _callIds: readonly string[],
  timeoutMs = 3_000,
): Promise<WiringEvidence> {
  const entries = await Promise.all(
    endpoints.map(async (e): Promise<[string, number]> => {
      const [counters, streams] = await Promise.all([
        getJson<Counters>(`${e.controlUrl}/counters`, timeoutMs),
        getJson<Streams>(`${e.controlUrl}/streams`, timeoutMs),
      ]);
      const http =
        (counters?.requests?.total ?? 0) +
        (counters?.network?.refused ?? 0) +
        (counters?.network?.aborted ?? 0);
      const refused = Object.values(streams?.streams?.refused ?? {}).reduce((a, b) => a + b, 0);
      return [e.name, http + (streams?.streams?.opened ?? 0) + refused];
    }),
  );
  return { requests: Object.fromEntries(entries), attributed: null };
}
