import type { CohortSummary } from '../slo/run-evaluation.ts';

/** A pilot cohort with fewer calls than this is shown, but flagged as thin evidence. */
export const THIN_COHORT_CALLS = 30;

export interface CohortShift {
  readonly cohort: string;
  /** The cohort's share of the scale run's calls. */
  readonly scaleShare: number;
  readonly pilotCalls: number;
  /** What the pilot measured for this cohort (null: the pilot never saw it). */
  readonly pilotContainment: number | null;
  readonly scaleContainment: number | null;
  /** scale − pilot (null when either is missing). */
  readonly gap: number | null;
  readonly covered: boolean;
  /** Covered, but by fewer than THIN_COHORT_CALLS pilot calls. */
  readonly thin: boolean;
}

export interface DistributionShift {
  readonly pilotRunId: string;
  readonly scaleRunId: string;
  /** Stage names of the two runs (usually `pilot` and `scale`). */
  readonly pilotStage: string;
  readonly scaleStage: string;
  /** The pilot's containment as it measured it, on its own (selection-biased) traffic. */
  readonly pilotAsMeasured: number;
  /**
   * The pilot's per-cohort containment weighted by the scale mix, over the cohorts the pilot
   * covered (their weights renormalised): the prediction a pilot would make for scale traffic.
   */
  readonly pilotReweighted: number | null;
  /** What the scale run measured. */
  readonly scaleMeasured: number;
  /** Share of scale calls from cohorts the pilot covered (the prediction says nothing about the rest). */
  readonly coveredShare: number;
  readonly cohorts: readonly CohortShift[];
  readonly uncovered: readonly string[];
}

interface Side {
  readonly runId: string;
  readonly stage: string;
  readonly containment: number;
  readonly cohorts: readonly CohortSummary[];
}

/**
 * The distribution-shift view: pilot containment per cohort, reweighted to the scale run's cohort
 * mix, against what scale measured. Arithmetic over the two runs' cohort summaries only. Pure.
 */
export function distributionShift(pilot: Side, scale: Side): DistributionShift {
  const pilotBy = new Map(pilot.cohorts.map((c) => [c.cohort, c]));
  const scaleCalls = scale.cohorts.reduce((n, c) => n + c.calls, 0);
  const cohorts: CohortShift[] = scale.cohorts
    .filter((c) => c.calls > 0)
    .map((c) => {
      const p = pilotBy.get(c.cohort);
      const covered = p !== undefined && p.calls > 0;
      const pilotContainment = covered ? p.containment : null;
      return {
        cohort: c.cohort,
        scaleShare: scaleCalls === 0 ? 0 : c.calls / scaleCalls,
        pilotCalls: p?.calls ?? 0,
        pilotContainment,
        scaleContainment: c.containment,
        gap: pilotContainment === null ? null : c.containment - pilotContainment,
        covered,
        thin: covered && p.calls < THIN_COHORT_CALLS,
      };
    })
    .sort((a, b) => b.scaleShare - a.scaleShare);
  const coveredRows = cohorts.filter((c) => c.covered);
  const coveredShare = coveredRows.reduce((s, c) => s + c.scaleShare, 0);
  const weighted = coveredRows.reduce((s, c) => s + c.scaleShare * (c.pilotContainment ?? 0), 0);
  return {
    pilotRunId: pilot.runId,
    scaleRunId: scale.runId,
    pilotStage: pilot.stage,
    scaleStage: scale.stage,
    pilotAsMeasured: pilot.containment,
    pilotReweighted: coveredShare > 0 ? weighted / coveredShare : null,
    scaleMeasured: scale.containment,
    coveredShare,
    cohorts,
    uncovered: cohorts.filter((c) => !c.covered).map((c) => c.cohort),
  };
}
