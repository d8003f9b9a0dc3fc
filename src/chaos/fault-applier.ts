import type { z } from 'zod';
import type { SimulatorKind } from '../../simulators/dependencies/faults/fault-effects.ts';
import { faultRegistry } from '../../simulators/dependencies/faults/fault-registry.ts';
import { CallstormError } from '../errors/callstorm-error.ts';
import { type ScaledParam, toWallTime } from '../scenario/speed-scaling.ts';
import type { Drill, DrillFault } from './drill-schema.ts';
import { type ControlFaultSpec, SimulatorControlClient } from './simulator-control-client.ts';
import type { ToxicSwitchboard } from './toxic-switchboard.ts';
import type { EmulatedFault } from './toxics/toxic-type.ts';

/** A simulator endpoint as `startSimulators` describes it (only what chaos needs). */
export interface ChaosEndpoint {
  readonly name: string;
  readonly kind: SimulatorKind;
  readonly url: string;
  readonly controlUrl: string;
}

/**
 * How one drill fault reaches its target: a toxic or a disabled proxy on Toxiproxy, or a fault
 * spec on the target simulator's control API (also for network faults emulated there). Returns
 * what it did, for the fault log. When is the orchestrator's business.
 */
export class FaultApplier {
  readonly #endpoints: ReadonlyMap<string, ChaosEndpoint>;
  readonly #switchboard: ToxicSwitchboard | null;
  readonly #toxiproxyGone: () => boolean;

  constructor(
    endpoints: readonly ChaosEndpoint[],
    switchboard: ToxicSwitchboard | null,
    toxiproxyGone: () => boolean,
  ) {
    this.#endpoints = new Map(endpoints.map((e) => [e.name, e]));
    this.#switchboard = switchboard;
    this.#toxiproxyGone = toxiproxyGone;
  }

  async apply(
    fault: DrillFault,
    emulated: EmulatedFault | null,
    timeoutMs: number,
    speed = 1,
  ): Promise<Record<string, unknown>> {
    if (fault.network && this.#switchboard)
      return this.#switchboard.apply(fault.id, fault.target, fault.network, speed);
    const { spec, scaled } = scaleForSpeed(controlSpec(fault, emulated), speed);
    const client = this.control(fault.target, timeoutMs);
    await client.putFault(fault.id, spec);
    return {
      controlUrl: client.controlUrl,
      spec,
      ...(Object.keys(scaled).length > 0 ? { speed, scaled } : {}),
      ...(emulated ? { emulates: fault.network?.toxic, note: emulated.note } : {}),
    };
  }

  async remove(fault: DrillFault, timeoutMs: number): Promise<Record<string, unknown>> {
    if (fault.network && this.#switchboard) {
      if (this.#toxiproxyGone()) return { note: 'the Toxiproxy server is gone, and its toxics with it' };
      return this.#switchboard.remove(fault.id, fault.target, fault.network, timeoutMs);
    }
    const client = this.control(fault.target, timeoutMs);
    await client.deleteFault(fault.id);
    return { controlUrl: client.controlUrl };
  }

  control(target: string, timeoutMs: number): SimulatorControlClient {
    return new SimulatorControlClient(this.#endpoints.get(target)!.controlUrl, timeoutMs);
  }

  get endpoints(): readonly ChaosEndpoint[] {
    return [...this.#endpoints.values()];
  }
}

/**
 * A drill states its faults in scenario time; the simulators count real seconds. Converts the
 * parameters the fault type declares in `scalesWithSpeed` (rate-limit's `rps`: per scenario
 * second, so N times as many per wall second at `--speed` N); the rest — latencies above all —
 * are real time at any speed and stay as they are.
 */
export function inWallTime(spec: ControlFaultSpec, speed: number): ControlFaultSpec {
  return scaleForSpeed(spec, speed).spec;
}

function scaleForSpeed(
  spec: ControlFaultSpec,
  speed: number,
): { spec: ControlFaultSpec; scaled: Record<string, ScaledParam> } {
  const type = Object.hasOwn(faultRegistry, spec.type)
    ? faultRegistry[spec.type as keyof typeof faultRegistry]
    : undefined;
  const scaling = type?.scalesWithSpeed as Record<string, 'rate' | 'duration'> | undefined;
  if (!type || !scaling || Object.keys(scaling).length === 0 || speed === 1) return { spec, scaled: {} };
  // Defaults stated in scenario time scale too: take them from the type's schema.
  const parsed = (type.params as z.ZodType).safeParse(spec.params);
  const defaults = parsed.success ? (parsed.data as Record<string, unknown>) : {};
  const { params, scaled } = toWallTime(spec.params, scaling, speed, defaults);
  return { spec: { ...spec, params }, scaled };
}

function controlSpec(fault: DrillFault, emulated: EmulatedFault | null): ControlFaultSpec {
  if (emulated) {
    const { type, params, probability } = emulated;
    return { type, params, probability };
  }
  const s = fault.simulator!;
  return { type: s.type, params: s.params, target: s.target, probability: s.probability };
}

/** Fails fast on a drill that names an unknown endpoint or a fault its simulator cannot take. */
export function checkDrillTargets(drill: Drill | null, endpoints: readonly ChaosEndpoint[]): void {
  for (const fault of drill?.method ?? []) {
    const endpoint = endpoints.find((e) => e.name === fault.target);
    if (!endpoint) {
      throw new CallstormError('CS_ERR_UNKNOWN_NAME', {
        what: `target of fault "${fault.id}" in drill "${drill!.name}"`,
        name: fault.target,
        valid: endpoints.map((e) => e.name).join(', '),
      });
    }
    const type = fault.simulator
      ? faultRegistry[fault.simulator.type as keyof typeof faultRegistry]
      : undefined;
    if (type && !(type.appliesTo as readonly string[]).includes(endpoint.kind)) {
      throw new CallstormError('CS_ERR_FAULT_INVALID', {
        fault: fault.id,
        reason: `"${fault.simulator!.type}" applies to ${type.appliesTo.join(', ')}, not to ${endpoint.name} (${endpoint.kind})`,
      });
    }
  }
}
