import type { DrillVerdict } from '../run-folder/drill-verdict-schema.ts';
import type { Gate } from './gate-schema.ts';
import type { GateReason, ReasonOutcome, RunEvaluation, SloResult } from './run-evaluation.ts';

/** The pieces of one gate reason (`passed` follows from the outcome). */
export function reason(
  kind: GateReason['kind'],
  name: string,
  runId: string | null,
  subject: string,
  outcome: ReasonOutcome,
  detail: string,
): GateReason {
  return { kind, name, runId, subject, passed: outcome === 'held', outcome, detail };
}

/** `held` when true, else `failed`. */
export const heldIf = (ok: boolean): ReasonOutcome => (ok ? 'held' : 'failed');

function fmt(x: number | null): string {
  if (x === null) return 'no data';
  return Number.isInteger(x) ? String(x) : String(Number(x.toFixed(3)));
}

function budgetWords(r: SloResult): string {
  const share = r.errorBudget.consumedShare;
  if (!Number.isFinite(share)) return `${r.errorBudget.consumed} bad of ${r.total} with no budget for any`;
  return `${Math.round(share * 100)} % of the error budget spent (${r.errorBudget.consumed} bad of ${r.total})`;
}

const unitsOf = (r: SloResult) => (r.budgetingMethod === 'Timeslices' ? 'slices with data' : 'events');

/**
 * One required SLO of one run. Nothing to measure, or fewer events than the SLO's minimum, cannot
 * show that it holds: inconclusive (or held when the gate allows no data and there was none).
 * Below the minimum a miss still fails once the bad events overspend the budget of the minimum.
 */
export function sloReason(gate: Gate, name: string, e: RunEvaluation): GateReason {
  const r = e.slos.find((s) => s.name === name);
  const slo = (outcome: ReasonOutcome, detail: string) =>
    reason('slo', `${name} in ${e.runId}`, e.runId, name, outcome, detail);
  if (!r) {
    return slo(
      'inconclusive',
      `not evaluated in this run: evaluate it against the gate's SLO set "${gate.slos.set}"`,
    );
  }
  const min = r.minEvents ?? 1;
  if (r.passed === null) {
    if (r.total === 0) {
      const allowed = gate.slos.allowNoData.includes(name);
      return slo(
        allowed ? 'held' : 'inconclusive',
        allowed
          ? `${r.displayName}: nothing to measure in this run (allowed by the gate)`
          : `${r.displayName}: nothing to measure in this run, so it cannot be shown to hold`,
      );
    }
    return slo(
      'inconclusive',
      `${r.displayName}: too few to judge — ${r.total} ${unitsOf(r)}, the SLO needs at least ${min} (${r.display.value} against ${r.display.target})`,
    );
  }
  const verb = r.passed ? 'meets' : 'misses';
  const thin =
    !r.passed && r.total < min ? `; missed already on ${r.total} of the ${min} ${unitsOf(r)} it needs` : '';
  return slo(
    heldIf(r.passed),
    `${r.displayName}: ${r.display.value} ${verb} ${r.display.target}; ${budgetWords(r)}${thin}`,
  );
}

/** A drill verdict in words: the failed expectations, both steady-state phases, an abort. */
export function drillWords(v: DrillVerdict): string {
  const parts: string[] = [];
  const failed = v.expectations.filter((x) => !x.passed);
  parts.push(
    failed.length === 0
      ? `all ${v.expectations.length} expectations held`
      : `${v.expectations.length - failed.length} of ${v.expectations.length} expectations held; failed: ${failed
          .map((x) => `"${x.name}" (${x.expected}; got ${fmt(x.actual)}${x.note ? `; ${x.note}` : ''})`)
          .join(', ')}`,
  );
  for (const phase of [v.steadyState.before, v.steadyState.after]) {
    const word = phase.phase === 'before' ? 'steady state before the faults' : 'steady state after recovery';
    const bad = phase.probes.filter((p) => !p.passed);
    parts.push(
      bad.length === 0
        ? `${word} held (${phase.calls} calls)`
        : `${word} did not hold: ${bad
            .map((p) => `${p.name} ${fmt(p.actual)}, needs ${p.tolerance}${p.note ? ` (${p.note})` : ''}`)
            .join('; ')}`,
    );
  }
  if (v.aborted) parts.push(`aborted at ${Math.round(v.aborted.atMs / 60_000)} min: ${v.aborted.reason}`);
  return parts.join('; ');
}

/** One reason per integrity rule the gate turns on: it holds when nothing of its kind was counted. */
export function integrityReasons(gate: Gate, e: RunEvaluation): GateReason[] {
  const i = e.integrity;
  const rule = (subject: string, count: number, detail: string): GateReason =>
    reason(
      'integrity',
      `${subject.replaceAll('-', ' ')} in ${e.runId}`,
      e.runId,
      subject,
      heldIf(count === 0),
      detail,
    );
  const out: GateReason[] = [];
  if (gate.integrity.noDuplicateWrites) {
    out.push(
      rule(
        'no-duplicate-writes',
        i.duplicate,
        `${i.duplicate} of ${i.expectedWrites} expected writes landed more than once`,
      ),
    );
  }
  if (gate.integrity.noLostWrites) {
    out.push(
      rule('no-lost-writes', i.lost, `${i.lost} writes of calls the agent ended as done never landed`),
    );
  }
  if (gate.integrity.noResidencyViolations) {
    out.push(
      rule(
        'no-residency-violations',
        i.residencyViolations,
        `${i.residencyViolations} of ${e.calls} calls sent caller data to a region not permitted for them`,
      ),
    );
  }
  return out;
}
