import type { GateResult, RunEvaluation } from '../slo/run-evaluation.ts';
import { inStageOrder, shiftPair } from './compare-charts.ts';
import { type DistributionShift, distributionShift } from './distribution-shift.ts';
import { percent, points, pounds } from './format-values.ts';
import { type Finding, MAX_FINDINGS, MIN_FINDINGS, runFindings } from './run-findings.ts';

/** A prediction this far above what scale measured is a warning. */
export const SHIFT_GAP_WARNING = 0.05;
/** Scale traffic from cohorts the pilot never saw above this share is a warning. */
export const UNCOVERED_SHARE_WARNING = 0.2;

/** `scale (production)`, or with the drill when several runs share a stage and agent. */
function runLabel(e: RunEvaluation, all: readonly RunEvaluation[]): string {
  const twins = all.filter((o) => o.stage === e.stage && o.agent === e.agent).length;
  return twins > 1 ? `${e.stage} (${e.agent}, ${e.drill ?? 'no drill'})` : `${e.stage} (${e.agent})`;
}

/** The gate result that belongs to a run: the one for its stage. */
export function gateFor(evaluation: RunEvaluation, gates: readonly GateResult[]): GateResult | undefined {
  return gates.find((g) => g.stage === evaluation.stage);
}

export function shiftFinding(shift: DistributionShift): Finding {
  const predicted = shift.pilotReweighted;
  const gap = predicted === null ? null : shift.scaleMeasured - predicted;
  const uncoveredShare = 1 - shift.coveredShare;
  const target = shift.scaleStage;
  const prediction =
    predicted === null
      ? `The ${shift.pilotStage} run covered none of the ${target} run's cohorts, so it predicts nothing about ${target} containment (${target} measured ${percent(shift.scaleMeasured)}).`
      : `Reweighted to the ${target} cohort mix, the ${shift.pilotStage} run predicts ${percent(predicted)} containment (${percent(
          shift.pilotAsMeasured,
        )} on its own traffic); ${target} measured ${percent(shift.scaleMeasured)} (${points(gap!)}).`;
  const uncovered =
    shift.uncovered.length === 0
      ? ` Every ${target} cohort was seen in the ${shift.pilotStage} run.`
      : ` ${shift.uncovered.length} of ${shift.cohorts.length} ${target} cohorts, ${percent(uncoveredShare, 0)} of ${target} calls, never appeared in the ${shift.pilotStage} run: ${shift.uncovered.join(', ')}.`;
  const warn = (gap !== null && gap <= -SHIFT_GAP_WARNING) || uncoveredShare > UNCOVERED_SHARE_WARNING;
  return { severity: warn ? 'warning' : 'info', text: `Distribution shift: ${prediction}${uncovered}` };
}

function costTrend(ordered: readonly RunEvaluation[]): Finding {
  const baseline = ordered[ordered.length - 1]!.cost.humanBaselinePerCall;
  return {
    severity: ordered.some(
      (e) => e.cost.perResolved !== null && e.cost.perResolved >= e.cost.humanBaselinePerCall,
    )
      ? 'warning'
      : 'info',
    text: `Cost per resolved interaction by stage: ${ordered
      .map((e) => `${e.stage} ${pounds(e.cost.perResolved)}`)
      .join(', ')} (human baseline ${pounds(baseline)} a call).`,
  };
}

/**
 * The findings of a comparison: the first blocker of every run that fails (prefixed with its
 * stage), always the distribution shift, then further blockers and the cost trend, up to five.
 */
export function compareFindings(
  evaluations: readonly RunEvaluation[],
  gates: readonly GateResult[] = [],
): Finding[] {
  const ordered = inStageOrder(evaluations);
  // Gate conditions about no run in particular would repeat under every run of the stage.
  const seen = new Set<string>();
  const perRun = ordered.map((e) =>
    runFindings(e, gateFor(e, gates))
      .filter((f) => f.severity === 'blocker')
      .filter((f) => {
        const fresh = !seen.has(f.text);
        seen.add(f.text);
        return fresh;
      })
      .map((f) => ({ ...f, text: `${runLabel(e, ordered)}: ${f.text}` })),
  );
  const pair = shiftPair(ordered);
  const shift = pair === null ? [] : [shiftFinding(distributionShift(pair[0], pair[1]))];
  const firsts = perRun.flatMap((f) => f.slice(0, 1)).slice(0, MAX_FINDINGS - shift.length);
  const rest = perRun.flatMap((f) => f.slice(1));
  const out = [...firsts, ...shift];
  for (const f of [...rest, costTrend(ordered)]) {
    if (out.length >= MAX_FINDINGS) break;
    if (f.severity === 'blocker' || out.length < MIN_FINDINGS) out.push(f);
  }
  // Still short of three: the context findings of the most advanced stage (its cohort gap, …).
  const last = ordered[ordered.length - 1]!;
  for (const f of runFindings(last, gateFor(last, gates)).filter((f) => f.severity !== 'blocker')) {
    if (out.length >= MIN_FINDINGS) break;
    if (!f.text.startsWith('A resolved interaction'))
      out.push({ ...f, text: `${last.stage} (${last.agent}): ${f.text}` });
  }
  return out;
}
