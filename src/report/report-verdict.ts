import type { GateResult, RunEvaluation } from '../slo/run-evaluation.ts';

/** The headline of a report: GO / NO-GO when a gate was applied, else whether the run met its SLOs. */
export interface ReportVerdict {
  readonly label: 'GO' | 'NO-GO' | 'PASS' | 'FAIL';
  readonly passed: boolean;
  /** One sentence on what the verdict rests on. */
  readonly basis: string;
}

/** A run's verdict: the gate's when given, else its SLOs, drill and validity. */
export function runVerdict(evaluation: RunEvaluation, gate?: GateResult): ReportVerdict {
  if (gate !== undefined) {
    const held = gate.reasons.filter((r) => r.passed).length;
    return {
      label: gate.go ? 'GO' : 'NO-GO',
      passed: gate.go,
      basis: `gate "${gate.gate}" for stage ${gate.stage}: ${held} of ${gate.reasons.length} conditions held`,
    };
  }
  const measured = evaluation.slos.filter((s) => s.passed !== null);
  const met = measured.filter((s) => s.passed).length;
  const parts = [`${met} of ${measured.length} SLOs met`];
  if (evaluation.drillVerdict !== null) {
    parts.push(
      `drill ${evaluation.drillVerdict.drill} ${evaluation.drillVerdict.passed ? 'passed' : 'failed'}`,
    );
  }
  if (evaluation.invalid !== null) parts.push(`the run is invalid (${evaluation.invalid})`);
  if (!evaluation.complete) parts.push('the run did not complete');
  const passed =
    met === measured.length &&
    (evaluation.drillVerdict?.passed ?? true) &&
    evaluation.invalid === null &&
    evaluation.complete;
  return { label: passed ? 'PASS' : 'FAIL', passed, basis: `no gate applied; ${parts.join('; ')}` };
}

/**
 * A comparison's verdict: GO only if every gate given says GO; without gates, PASS only if every
 * run passes on its own.
 */
export function compareVerdict(
  evaluations: readonly RunEvaluation[],
  gates: readonly GateResult[] = [],
): ReportVerdict {
  if (gates.length > 0) {
    const failing = gates.filter((g) => !g.go);
    return {
      label: failing.length === 0 ? 'GO' : 'NO-GO',
      passed: failing.length === 0,
      basis:
        failing.length === 0
          ? `every gate held: ${gates.map((g) => g.gate).join(', ')}`
          : `gate${failing.length > 1 ? 's' : ''} ${failing.map((g) => `"${g.gate}"`).join(', ')} said NO-GO (${gates.length - failing.length} of ${gates.length} gates held)`,
    };
  }
  const verdicts = evaluations.map((e) => ({ e, v: runVerdict(e) }));
  const failing = verdicts.filter((x) => !x.v.passed);
  return {
    label: failing.length === 0 ? 'PASS' : 'FAIL',
    passed: failing.length === 0,
    basis:
      failing.length === 0
        ? `no gate applied; all ${evaluations.length} runs met their SLOs`
        : `no gate applied; ${failing.map((x) => `${x.e.stage} (${x.e.runId})`).join(', ')} did not meet ${failing.length > 1 ? 'their' : 'its'} SLOs`,
  };
}
