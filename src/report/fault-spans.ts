import type { RunEvaluation } from '../slo/run-evaluation.ts';
import type { TimeAxis } from './chart-config.ts';

/** Scenario span of a run: the end of its last window (or last fault). */
export function runSpanMs(evaluation: RunEvaluation): number {
  const lastWindow = evaluation.windows.reduce((m, w) => Math.max(m, w.endMs), 0);
  const lastFault = evaluation.faults.reduce((m, f) => Math.max(m, f.toMs ?? f.fromMs), 0);
  return Math.max(lastWindow, lastFault, 1);
}

/**
 * The run's faults as shaded bands on a time axis. A fault never removed (a killed run) lasts to
 * the end of the data. Labels stack downwards so overlapping faults stay readable.
 */
export function faultSpans(
  evaluation: RunEvaluation,
  axis: TimeAxis,
): { from: number; to: number; label: string; labelY: number }[] {
  const end = runSpanMs(evaluation);
  return evaluation.faults.map((f, i) => ({
    from: f.fromMs / axis.divisor,
    to: (f.toMs ?? end) / axis.divisor,
    label: `${f.id} (${f.target})`,
    labelY: 4 + (i % 4) * 13,
  }));
}
