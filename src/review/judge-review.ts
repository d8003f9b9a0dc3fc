import { evaluateGate } from '../slo/evaluate-gate.ts';
import { type Gate, loadGate } from '../slo/gate-schema.ts';
import type { GateResult, RunEvaluation } from '../slo/run-evaluation.ts';
import type { ReviewRun } from './resolve-review-runs.ts';
import type { ReviewPlan, ReviewVerdictGroup } from './review-plan-schema.ts';

/** A run of the review that ran: where its folder is and how it evaluated. */
export interface ReviewRunOutcome {
  /** The run as it was made (after a rerun: at the slower speed). */
  readonly run: ReviewRun;
  readonly dir: string;
  readonly evaluation: RunEvaluation;
  /** The first, invalid attempt, when the run was made again slower: its folder, speed and why. */
  readonly rerun?: { readonly dir: string; readonly speed: number; readonly invalid: string };
}

/** A run of the review whose folder failed its integrity checks. */
export interface UnreadableReviewRun {
  readonly label: string;
  readonly problem: string;
}

export interface ReviewVerdict {
  /** As the plan names it: `pilot`, `scale (production architecture)`, … */
  readonly label: string;
  readonly gate: GateResult;
  /** Labels of the runs the gate judged. */
  readonly runs: readonly string[];
}

/** The runs a verdict group judges: those of its runs that ran, in the order they ran. */
export function runsOfVerdict(
  group: ReviewVerdictGroup,
  outcomes: readonly ReviewRunOutcome[],
): ReviewRunOutcome[] {
  const wanted = new Set(group.runs);
  return outcomes.filter((o) => wanted.has(o.run.label));
}

/**
 * Each verdict group's gate over its runs, in the plan's order. A group none of whose runs ran
 * (the review was interrupted) gives no verdict.
 */
export function judgeReview(
  groups: readonly ReviewVerdictGroup[],
  outcomes: readonly ReviewRunOutcome[],
  gateOf: (ref: string) => Gate = loadGate,
  /** Runs whose folders failed their integrity checks: the gates that judge them say INCONCLUSIVE. */
  unreadable: readonly UnreadableReviewRun[] = [],
): ReviewVerdict[] {
  const verdicts: ReviewVerdict[] = [];
  for (const group of groups) {
    const picked = runsOfVerdict(group, outcomes);
    const broken = unreadable.filter((u) => group.runs.includes(u.label));
    if (picked.length === 0 && broken.length === 0) continue;
    verdicts.push({
      label: group.label,
      gate: evaluateGate(
        gateOf(group.gate),
        picked.map((r) => r.evaluation),
        broken.map((u) => ({ dir: u.label, problem: u.problem })),
      ),
      runs: picked.map((r) => r.run.label),
    });
  }
  return verdicts;
}

/** The gate a run's own report opens with: the first verdict that judged it. */
export function verdictOfRun(verdicts: readonly ReviewVerdict[], label: string): ReviewVerdict | undefined {
  return verdicts.find((v) => v.runs.includes(label));
}

/**
 * What the comparison report shows: the plan's `comparison.runs` (default every run that ran,
 * baselines first, then the drills), and the gates of its `comparison.verdicts` (default every
 * verdict), each as far as it ran.
 */
export function reviewComparison(
  plan: Pick<ReviewPlan, 'comparison'>,
  outcomes: readonly ReviewRunOutcome[],
  verdicts: readonly ReviewVerdict[],
): { readonly runs: ReviewRunOutcome[]; readonly gates: GateResult[] } {
  const byLabel = new Map(outcomes.map((o) => [o.run.label, o]));
  const runs = plan.comparison.runs
    ? plan.comparison.runs.flatMap((label) => byLabel.get(label) ?? [])
    : [...outcomes.filter((o) => o.run.drill === null), ...outcomes.filter((o) => o.run.drill !== null)];
  const verdictByLabel = new Map(verdicts.map((v) => [v.label, v]));
  const gates = plan.comparison.verdicts
    ? plan.comparison.verdicts.flatMap((label) => verdictByLabel.get(label)?.gate ?? [])
    : verdicts.map((v) => v.gate);
  return { runs, gates };
}
