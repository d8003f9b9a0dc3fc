import type { GateResult, GateVerdict } from '../slo/run-evaluation.ts';

/**
 * Exit status of a verdict, for CI: 0 GO, 1 NO-GO, 3 INCONCLUSIVE (the evidence cannot judge the
 * agent: rerun slower or on a quieter machine). 2 stays bad input, 130 Ctrl-C.
 */
export const VERDICT_EXIT: Readonly<Record<GateVerdict, number>> = { GO: 0, 'NO-GO': 1, INCONCLUSIVE: 3 };

/** Several gates: NO-GO if any says so, else INCONCLUSIVE if any, else GO (no gates: 0). */
export function exitOfGates(gates: readonly GateResult[]): number {
  if (gates.some((g) => g.verdict === 'NO-GO')) return VERDICT_EXIT['NO-GO'];
  if (gates.some((g) => g.verdict === 'INCONCLUSIVE')) return VERDICT_EXIT.INCONCLUSIVE;
  return VERDICT_EXIT.GO;
}
