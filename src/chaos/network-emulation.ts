import type { NetworkFault } from './drill-schema.ts';

/** A simulator fault spec standing in for a Toxiproxy toxic when no Toxiproxy is available. */
export interface EmulatedFault {
  readonly type: 'network-outage' | 'latency';
  readonly params: Readonly<Record<string, unknown>>;
  readonly probability: number;
  /** What differs from the real toxic. */
  readonly note: string;
}

export type Emulation = { readonly emulated: EmulatedFault } | { readonly unsupported: string };

/**
 * Maps a network fault to the simulators' in-process stand-ins: down and reset_peer → refused
 * connections, timeout → hung requests, latency → added response latency. Bandwidth, slicer and
 * limit_data shape the byte stream itself and have no stand-in. Toxicity becomes the per-request
 * probability (Toxiproxy draws it per connection).
 */
export function emulateNetworkFault(fault: NetworkFault): Emulation {
  const probability = fault.toxic === 'down' ? 1 : fault.toxicity;
  const perRequest = probability < 1 ? '; toxicity drawn per request, not per connection' : '';
  switch (fault.toxic) {
    case 'down':
      return {
        emulated: {
          type: 'network-outage',
          params: { mode: 'refuse' },
          probability,
          note: 'connections are accepted and then dropped, not refused at connect',
        },
      };
    case 'reset_peer':
      return {
        emulated: {
          type: 'network-outage',
          params: { mode: 'refuse' },
          probability,
          note: `the connection is dropped at once${fault.attributes.timeout > 0 ? `, not after ${fault.attributes.timeout} ms` : ''}${perRequest}`,
        },
      };
    case 'timeout':
      return {
        emulated: {
          type: 'network-outage',
          params: { mode: 'hang' },
          probability,
          note: `requests hang until the fault ends${fault.attributes.timeout > 0 ? `; the connection is not closed after ${fault.attributes.timeout} ms` : ''}${perRequest}`,
        },
      };
    case 'latency':
      return {
        emulated: {
          type: 'latency',
          params: { ms: fault.attributes.latency, jitter: fault.attributes.jitter },
          probability,
          note: `added once per response, not per chunk of data${fault.stream === 'upstream' ? ', and on the response rather than the request' : ''}${perRequest}`,
        },
      };
    case 'bandwidth':
    case 'slicer':
    case 'limit_data':
      return {
        unsupported: `"${fault.toxic}" shapes the byte stream and cannot be emulated without Toxiproxy`,
      };
  }
}
