import type { SimulatorKind } from './dependencies/faults/fault-effects.ts';

/** One simulator's addresses: its simulated API and its loopback-only control API. */
export interface SimulatorAddress {
  readonly name: string;
  readonly kind: SimulatorKind;
  readonly url: string;
  readonly controlUrl: string;
  readonly region?: string;
}

/**
 * Where a suite of simulators answers: all a run, its agent and its chaos need, whether the
 * simulators run in the run's process (`startSimulators`) or in a child (`callstorm simulators`).
 */
export interface SimulatorEndpoints {
  readonly asr: SimulatorAddress;
  readonly tts: SimulatorAddress;
  readonly crm: SimulatorAddress;
  readonly llm: Readonly<Record<string, SimulatorAddress & { readonly region: string }>>;
  /**
   * The fake Twilio REST API (kind `twilio`): `url` is what a bot uses as its Twilio REST base
   * (`TWILIO_BASE_URL`), `controlUrl` where the Twilio transport registers and follows calls.
   */
  readonly twilio: SimulatorAddress;
  /** Every endpoint, for printing, proxies (Toxiproxy) and clean-up. */
  readonly endpoints: readonly SimulatorAddress[];
}
