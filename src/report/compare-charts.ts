import type { RunEvaluation } from '../slo/run-evaluation.ts';
import { distributionShift } from './distribution-shift.ts';
import { distributionShiftChart } from './distribution-shift-chart.ts';
import type { ChartOrOmitted } from './report-chart.ts';
import { sloAdherenceChart } from './slo-adherence-chart.ts';

const STAGE_ORDER = ['pilot', 'hardening', 'scale'];

/** Runs in stage order (pilot → hardening → scale; unknown stages keep their place at the end). */
export function inStageOrder(evaluations: readonly RunEvaluation[]): RunEvaluation[] {
  const rank = (e: RunEvaluation) => {
    const i = STAGE_ORDER.indexOf(e.stage);
    return i === -1 ? STAGE_ORDER.length : i;
  };
  return [...evaluations].sort((a, b) => rank(a) - rank(b));
}

/**
 * The pilot and the scale run of a comparison: the runs whose stages are named so (without a drill
 * when there is one), else the first and the last in stage order. Null with fewer than two runs.
 */
export function shiftPair(evaluations: readonly RunEvaluation[]): [RunEvaluation, RunEvaluation] | null {
  const ordered = inStageOrder(evaluations);
  if (ordered.length < 2) return null;
  // Runs without a drill show the traffic's own shape; a drill run is used only when there is no other.
  const pick = (stage: string, fallback: RunEvaluation) => {
    const of = ordered.filter((e) => e.stage === stage);
    return of.find((e) => e.drill === null) ?? of[0] ?? fallback;
  };
  const pilot = pick('pilot', ordered[0]!);
  const scale = pick('scale', ordered[ordered.length - 1]!);
  return pilot === scale ? null : [pilot, scale];
}

/** The charts of a compare report: SLO adherence side by side, then the distribution shift. */
export function compareCharts(evaluations: readonly RunEvaluation[]): ChartOrOmitted[] {
  const pair = shiftPair(evaluations);
  return [
    sloAdherenceChart(inStageOrder(evaluations)),
    pair === null
      ? {
          name: 'distribution-shift',
          title: 'Distribution shift',
          omitted: 'needs two runs of different stages (a pilot and a scale run)',
        }
      : distributionShiftChart(distributionShift(pair[0], pair[1])),
  ];
}
