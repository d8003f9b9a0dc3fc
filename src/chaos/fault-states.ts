import type { DrillFault } from './drill-schema.ts';
import type { FaultVia } from './fault-log.ts';
import { toxicUse } from './toxics/toxic-registry.ts';
import type { EmulatedFault } from './toxics/toxic-type.ts';

/** One fault of the drill as the run saw it, in scenario ms. */
export interface FaultWindow {
  readonly id: string;
  readonly target: string;
  readonly via: FaultVia;
  readonly status: 'pending' | 'active' | 'removed' | 'failed' | 'skipped';
  readonly plannedAtMs: number;
  readonly plannedEndMs: number;
  readonly appliedAtMs: number | null;
  readonly removedAtMs: number | null;
}

/** What stood in for a network fault in emulated mode, for the manifest and the report. */
export interface EmulationNote {
  readonly faultId: string;
  readonly toxic: string;
  /** The simulator fault that stands in (`network-outage refuse`), or null when none can. */
  readonly as: string | null;
  readonly note: string;
}

/** The mutable state of one fault while the run goes. */
export interface FaultState {
  readonly fault: DrillFault;
  readonly via: FaultVia;
  readonly emulated: EmulatedFault | null;
  readonly unsupported: string | null;
  status: FaultWindow['status'];
  appliedAtMs: number | null;
  removedAtMs: number | null;
  /** Who removed it: its planned end on the timeline, or a rollback. */
  removedBy: 'timeline' | 'rollback' | null;
  /** Applies and removes of one fault run one after the other. */
  op: Promise<void>;
}

/**
 * The drill's faults and where each one stands: pending, active, removed, failed or skipped, with
 * the scenario times it was applied and removed. Answers which faults were active when.
 */
export class FaultStates {
  readonly all: readonly FaultState[];
  readonly emulation: readonly EmulationNote[];

  /** `toxiproxy`: network faults go to Toxiproxy; else they are emulated where they can be. */
  constructor(method: readonly DrillFault[], toxiproxy: boolean) {
    const emulation: EmulationNote[] = [];
    this.all = method.map((fault) => {
      let emulated: EmulatedFault | null = null;
      let unsupported: string | null = null;
      if (fault.network && !toxiproxy) {
        const { toxic, use } = toxicUse(fault.id, fault.network);
        const e = toxic.emulate(use);
        if ('emulated' in e) emulated = e.emulated;
        else unsupported = e.unsupported;
        emulation.push({
          faultId: fault.id,
          toxic: fault.network.toxic,
          as: emulated?.label ?? null,
          note: emulated?.note ?? unsupported ?? '',
        });
      }
      const via: FaultVia = fault.simulator ? 'simulator' : toxiproxy ? 'toxiproxy' : 'emulated';
      return {
        fault,
        via,
        emulated,
        unsupported,
        status: 'pending' as const,
        appliedAtMs: null,
        removedAtMs: null,
        removedBy: null,
        op: Promise.resolve(),
      };
    });
    this.emulation = emulation;
  }

  windows(): FaultWindow[] {
    return this.all.map((s) => ({
      id: s.fault.id,
      target: s.fault.target,
      via: s.via,
      status: s.status,
      plannedAtMs: s.fault.at,
      plannedEndMs: s.fault.at + s.fault.duration,
      appliedAtMs: s.appliedAtMs,
      removedAtMs: s.removedAtMs,
    }));
  }

  /** Ids of the faults active at any time in [fromMs, toMs] of scenario time. */
  idsBetween(fromMs: number, toMs: number): string[] {
    return this.windows()
      .filter((w) => w.status !== 'failed' && w.status !== 'skipped')
      .filter((w) => w.plannedAtMs <= toMs && fromMs < (w.removedAtMs ?? w.plannedEndMs))
      .map((w) => w.id);
  }

  /** The faults still active, as a rollback that gives up names them. */
  stillActive(): string[] {
    return this.all
      .filter((s) => s.status === 'active')
      .map((s) => `fault ${s.fault.id} on ${s.fault.target}`);
  }
}
