import { dirname, resolve } from 'node:path';
import { isPath } from '../../scenario/scenario-files.ts';
import { type Gate, loadGate } from '../../slo/gate-schema.ts';
import { loadSloSet, type SloSet } from '../../slo/slo-set.ts';

/** A gate and the SLO set it judges with (a set path in a gate file is relative to that file). */
export function gateWithSet(which: string): { gate: Gate; slos: SloSet } {
  const gate = loadGate(which);
  const setRef =
    isPath(which) && isPath(gate.slos.set) ? resolve(dirname(which), gate.slos.set) : gate.slos.set;
  return { gate, slos: loadSloSet(setRef) };
}
