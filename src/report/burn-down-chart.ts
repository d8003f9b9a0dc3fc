import type { RunEvaluation } from '../slo/run-evaluation.ts';
import { CHART_HEIGHT, CHART_WIDTH, chartConfig, runLabel, timeAxis } from './chart-config.ts';
import { runSpanMs } from './fault-spans.ts';
import type { ChartOrOmitted } from './report-chart.ts';

/** Remaining error budget of each SLO over scenario time; below zero the budget is overspent. */
export function burnDownChart(evaluation: RunEvaluation): ChartOrOmitted {
  const name = 'burn-down';
  const title = 'Error budget burn-down';
  const withData = evaluation.slos.filter((s) => s.burnDown.length > 0);
  if (withData.length === 0) return { name, title, omitted: 'no SLO has a budget to burn in this run' };
  const axis = timeAxis(runSpanMs(evaluation));
  const values = withData.flatMap((s) =>
    s.burnDown.map((p) => ({
      t: p.atMs / axis.divisor,
      slo: s.displayName,
      // Floored at −100 %: one SLO 8× over budget would flatten every other line. An SLO that
      // allows no bad events (−Infinity once one happens) shows as the floor. The table has the numbers.
      remaining: Number.isFinite(p.remainingShare) ? Math.max(-1, p.remainingShare) : -1,
    })),
  );
  return {
    name,
    title,
    description:
      'Share of each SLO’s error budget left over the run (1 = untouched, 0 = spent, below 0 = overspent). A line that dives during a fault window shows which failure mode costs the budget.',
    spec: {
      $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
      title: {
        text: title,
        subtitle: `remaining error budget per SLO (floored at −100 %), ${runLabel(evaluation)}`,
      },
      width: CHART_WIDTH,
      height: CHART_HEIGHT,
      config: chartConfig,
      layer: [
        {
          data: { values: [{ zero: 0 }] },
          mark: { type: 'rule', color: '#c62828', strokeDash: [4, 3] },
          encoding: { y: { field: 'zero', type: 'quantitative' } },
        },
        {
          data: { values },
          mark: { type: 'line', interpolate: 'step-after', strokeWidth: 1.5 },
          encoding: {
            x: { field: 't', type: 'quantitative', title: axis.title },
            y: {
              field: 'remaining',
              type: 'quantitative',
              title: 'error budget remaining',
              axis: { format: '.0%' },
            },
            color: { field: 'slo', type: 'nominal', title: 'SLO', legend: { columns: 2 } },
          },
        },
      ],
    },
  };
}
