import type { z } from 'zod';
import type { FaultTypeName } from '../../../simulators/dependencies/faults/fault-registry.ts';
import type { SpeedScaling } from '../../scenario/speed-scaling.ts';

/** `upstream`: client → server data (the agent's requests); `downstream`: server → client. */
export type ToxicStream = 'upstream' | 'downstream';

/** One toxic as one drill fault uses it: attributes validated, defaults filled, in wall time. */
export interface ToxicUse<A> {
  /** The drill fault's id: the toxic's name in Toxiproxy and the stand-in's fault id. */
  readonly name: string;
  readonly attributes: A;
  /** Share of connections affected (Toxiproxy draws it per connection); 1 for proxy-wide toxics. */
  readonly toxicity: number;
  readonly stream: ToxicStream;
}

/** The body of `POST /proxies/{proxy}/toxics`. */
export interface ToxicBody {
  readonly name: string;
  readonly type: string;
  readonly stream: ToxicStream;
  readonly toxicity: number;
  readonly attributes: unknown;
}

/**
 * One of the run's Toxiproxy proxies as a toxic sees it. The framework (toxic-switchboard.ts)
 * binds it to the proxy and to a request timeout; a toxic only says what to ask for.
 */
export interface ToxicProxy {
  readonly proxyName: string;
  addToxic(body: ToxicBody): Promise<void>;
  /** Deletes a toxic by name; one that is already gone is fine. */
  removeToxic(name: string): Promise<void>;
  /** Disables the proxy while `holder` holds it down; the first holder disables it. */
  holdDown(holder: string): Promise<void>;
  /** Lets go of it; the last holder re-enables the proxy. Resolves to whether it is enabled now. */
  releaseDown(holder: string): Promise<boolean>;
}

/** A simulator fault that stands in for a toxic when there is no Toxiproxy. */
export interface EmulatedFault {
  readonly type: FaultTypeName;
  /** The stand-in's params, stated like a drill's (its own `scalesWithSpeed` converts them). */
  readonly params: Readonly<Record<string, unknown>>;
  readonly probability: number;
  /** How the run manifest and the report name the stand-in (`network-outage refuse`). */
  readonly label: string;
  /** What differs from the real toxic. */
  readonly note: string;
}

export type Emulation = { readonly emulated: EmulatedFault } | { readonly unsupported: string };

/**
 * One Toxiproxy toxic as a drill names it (`network: {toxic: latency, attributes: …}`): its
 * attributes, what stands in for it without a Toxiproxy, and how it is applied and removed.
 * The framework — not the toxic — validates, names (the fault id), times, converts attributes to
 * wall time and logs. Register it by name in toxic-registry.ts; `noop.ts` is the template.
 */
export interface ToxicType<A = unknown> {
  /** The name a drill writes (`toxic: latency`); the registry key. */
  readonly name: string;
  readonly description: string;
  /**
   * `connection`: a Toxiproxy toxic, drawn once per connection (`toxicity`) and acting on one
   * direction (`stream`). `proxy`: acts on the whole proxy (`down`); takes neither.
   */
  readonly scope: 'connection' | 'proxy';
  /** The attributes, as Toxiproxy names them, with their defaults (`.describe()` each one). */
  readonly attributes: z.ZodType<A>;
  /** Which attributes a drill states in scenario time and so scale with `--speed` (usually none). */
  readonly scalesWithSpeed: SpeedScaling<A>;
  /** The stand-in without a Toxiproxy (attributes as the drill states them), or why none can be. */
  emulate(use: ToxicUse<A>): Emulation;
  /** Applies it to the proxy; resolves to what Toxiproxy was told (for faults.jsonl). */
  apply(proxy: ToxicProxy, use: ToxicUse<NoInfer<A>>): Promise<Record<string, unknown>>;
  /** Removes it again; resolves to what was done (for faults.jsonl). */
  remove(proxy: ToxicProxy, use: ToxicUse<NoInfer<A>>): Promise<Record<string, unknown>>;
}

/** Identity helper that keeps a toxic's attribute type inferred. */
export function defineToxic<A>(toxic: ToxicType<A>): ToxicType<A> {
  return toxic;
}

/** `apply` / `remove` for the usual toxic: Toxiproxy's toxic `type`, named after the fault. */
export function namedToxic(type: string): Pick<ToxicType, 'apply' | 'remove'> {
  return {
    async apply(proxy, use) {
      const body: ToxicBody = {
        name: use.name,
        type,
        stream: use.stream,
        toxicity: use.toxicity,
        attributes: use.attributes,
      };
      await proxy.addToxic(body);
      return { proxy: proxy.proxyName, toxic: body };
    },
    async remove(proxy, use) {
      await proxy.removeToxic(use.name);
      return { proxy: proxy.proxyName, toxic: use.name };
    },
  };
}

/** A stand-in simulator fault; a toxicity below 1 becomes the per-request probability. */
export function emulatedBy(
  type: FaultTypeName,
  params: Readonly<Record<string, unknown>>,
  use: ToxicUse<unknown>,
  note: string,
  label: string = type,
): Emulation {
  const perRequest = use.toxicity < 1 ? '; toxicity drawn per request, not per connection' : '';
  return { emulated: { type, params, probability: use.toxicity, label, note: `${note}${perRequest}` } };
}

/** For toxics that reshape the byte stream: nothing in a simulator can stand in. */
export function cannotEmulate(name: string): Emulation {
  return { unsupported: `"${name}" shapes the byte stream and cannot be emulated without Toxiproxy` };
}
