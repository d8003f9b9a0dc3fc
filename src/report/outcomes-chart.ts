import type { RunEvaluation } from '../slo/run-evaluation.ts';
import { CALL_OUTCOMES } from '../telemetry/call-record.ts';
import {
  CHART_HEIGHT,
  CHART_WIDTH,
  chartConfig,
  OUTCOME_COLOURS,
  runLabel,
  timeAxis,
} from './chart-config.ts';
import { faultSpans, runSpanMs } from './fault-spans.ts';
import type { ChartOrOmitted } from './report-chart.ts';

/** Calls per window by outcome (stacked), so a fault's damage and the traffic's peaks show together. */
export function outcomesChart(evaluation: RunEvaluation): ChartOrOmitted {
  const name = 'outcomes';
  const title = 'Call outcomes over time';
  if (evaluation.calls === 0) return { name, title, omitted: 'the run has no calls' };
  const axis = timeAxis(runSpanMs(evaluation));
  const values = evaluation.windows.flatMap((w) =>
    CALL_OUTCOMES.map((outcome, order) => ({
      t: w.startMs / axis.divisor,
      outcome,
      order,
      calls: w.outcomes[outcome],
    })),
  );
  const faults = faultSpans(evaluation, axis);
  return {
    name,
    title,
    description:
      'Calls ending in each window, stacked by outcome: resolved, false containment (ended as if resolved but wrong), escalated to a person, abandoned by the caller, failed.',
    spec: {
      $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
      title: { text: title, subtitle: `calls per window by outcome, ${runLabel(evaluation)}` },
      width: CHART_WIDTH,
      height: CHART_HEIGHT,
      config: chartConfig,
      layer: [
        ...(faults.length > 0
          ? [
              {
                data: { values: faults },
                mark: { type: 'rect' as const, color: '#000', opacity: 0.06 },
                encoding: { x: { field: 'from', type: 'quantitative' as const }, x2: { field: 'to' } },
              },
            ]
          : []),
        {
          data: { values },
          mark: { type: 'area' as const, interpolate: 'step-after' as const },
          encoding: {
            x: { field: 't', type: 'quantitative' as const, title: axis.title },
            y: { field: 'calls', type: 'quantitative' as const, stack: 'zero' as const, title: 'calls' },
            order: { field: 'order' },
            color: {
              field: 'outcome',
              type: 'nominal' as const,
              title: 'outcome',
              scale: { domain: [...CALL_OUTCOMES], range: CALL_OUTCOMES.map((o) => OUTCOME_COLOURS[o]) },
            },
          },
        },
      ],
    },
  };
}
