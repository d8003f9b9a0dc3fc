import type { GateResult, GateVerdict, RunEvaluation } from '../slo/run-evaluation.ts';
import { runEnding } from '../slo/run-evidence.ts';

/**
 * The headline of a report: GO / NO-GO / INCONCLUSIVE when a gate was applied, else PASS / FAIL /
 * INCONCLUSIVE for the run itself. INCONCLUSIVE: the evidence cannot describe the agent.
 */
export interface ReportVerdict {
  readonly label: GateVerdict | 'PASS' | 'FAIL';
  /** `pass` for GO and PASS, `fail` for NO-GO and FAIL. */
  readonly outcome: 'pass' | 'fail' | 'inconclusive';
  /** outcome === 'pass'. */
  readonly passed: boolean;
  /** One sentence on what the verdict rests on. */
  readonly basis: string;
}

/** A gate's verdict. */
export function verdictOf(gate: GateResult): GateVerdict {
  return gate.verdict;
}

const OUTCOME: Record<ReportVerdict['label'], ReportVerdict['outcome']> = {
  GO: 'pass',
  PASS: 'pass',
  'NO-GO': 'fail',
  FAIL: 'fail',
  INCONCLUSIVE: 'inconclusive',
};

function verdict(label: ReportVerdict['label'], basis: string): ReportVerdict {
  const outcome = OUTCOME[label];
  return { label, outcome, passed: outcome === 'pass', basis };
}

/** A run's verdict: the gate's when given, else its SLOs, drill, completeness and validity. */
export function runVerdict(evaluation: RunEvaluation, gate?: GateResult): ReportVerdict {
  if (gate !== undefined) {
    const held = gate.reasons.filter((r) => r.passed).length;
    const open = gate.reasons.filter((r) => r.outcome === 'inconclusive').length;
    return verdict(
      verdictOf(gate),
      `gate "${gate.gate}" for stage ${gate.stage}: ${held} of ${gate.reasons.length} conditions held${open > 0 ? `, ${open} could not be judged` : ''}`,
    );
  }
  const measured = evaluation.slos.filter((s) => s.passed !== null);
  const met = measured.filter((s) => s.passed).length;
  const tooFew = evaluation.slos.filter((s) => s.passed === null && s.total > 0);
  const parts = [`${met} of ${measured.length} SLOs met`];
  if (tooFew.length > 0) {
    parts.push(
      `${tooFew.length} with too few events to judge (${tooFew.map((s) => s.displayName).join(', ')})`,
    );
  }
  if (evaluation.drillVerdict !== null) {
    parts.push(
      `drill ${evaluation.drillVerdict.drill} ${evaluation.drillVerdict.passed ? 'passed' : 'failed'}`,
    );
  }
  const ending = runEnding(
    evaluation.status ?? (evaluation.complete ? 'complete' : 'interrupted'),
    evaluation.endReason ?? null,
  );
  if (ending === 'stopped-by-agent') parts.push(`a stop condition ended it: ${evaluation.endReason}`);
  const inconclusive =
    evaluation.inconclusive !== undefined
      ? evaluation.inconclusive
      : evaluation.invalid !== null
        ? `the run is invalid: ${evaluation.invalid}`
        : evaluation.complete
          ? null
          : 'the run did not complete';
  if (inconclusive !== null) parts.push(inconclusive);
  const failed =
    met < measured.length || evaluation.drillVerdict?.passed === false || ending === 'stopped-by-agent';
  const label =
    inconclusive !== null ? 'INCONCLUSIVE' : failed ? 'FAIL' : tooFew.length > 0 ? 'INCONCLUSIVE' : 'PASS';
  return verdict(label, `no gate applied; ${parts.join('; ')}`);
}

/**
 * A comparison's verdict: with gates, NO-GO if any said NO-GO, else INCONCLUSIVE if any could not
 * tell, else GO; without gates the same over each run's own verdict (FAIL, INCONCLUSIVE, PASS).
 */
export function compareVerdict(
  evaluations: readonly RunEvaluation[],
  gates: readonly GateResult[] = [],
): ReportVerdict {
  if (gates.length > 0) {
    const by = (v: GateVerdict) => gates.filter((g) => verdictOf(g) === v);
    const nogo = by('NO-GO');
    const open = by('INCONCLUSIVE');
    const names = (list: readonly GateResult[]) => list.map((g) => `"${g.gate}"`).join(', ');
    if (nogo.length > 0) {
      return verdict(
        'NO-GO',
        `gate${nogo.length > 1 ? 's' : ''} ${names(nogo)} said NO-GO (${by('GO').length} of ${gates.length} gates held${open.length > 0 ? `, ${names(open)} inconclusive` : ''})`,
      );
    }
    if (open.length > 0) {
      return verdict(
        'INCONCLUSIVE',
        `gate${open.length > 1 ? 's' : ''} ${names(open)} could not be judged on this evidence (${by('GO').length} of ${gates.length} gates held)`,
      );
    }
    return verdict('GO', `every gate held: ${gates.map((g) => g.gate).join(', ')}`);
  }
  const verdicts = evaluations.map((e) => ({ e, v: runVerdict(e) }));
  const list = (xs: typeof verdicts) => xs.map((x) => `${x.e.stage} (${x.e.runId})`).join(', ');
  const failing = verdicts.filter((x) => x.v.outcome === 'fail');
  const open = verdicts.filter((x) => x.v.outcome === 'inconclusive');
  if (failing.length > 0) {
    return verdict(
      'FAIL',
      `no gate applied; ${list(failing)} did not meet ${failing.length > 1 ? 'their' : 'its'} SLOs`,
    );
  }
  if (open.length > 0) {
    return verdict('INCONCLUSIVE', `no gate applied; ${list(open)} cannot be judged: ${open[0]!.v.basis}`);
  }
  return verdict('PASS', `no gate applied; all ${evaluations.length} runs met their SLOs`);
}
