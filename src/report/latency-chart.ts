import type { RunEvaluation } from '../slo/run-evaluation.ts';
import { CHART_HEIGHT, CHART_WIDTH, chartConfig, FAULT_SHADE, runLabel, timeAxis } from './chart-config.ts';
import { faultSpans, runSpanMs } from './fault-spans.ts';
import type { ChartOrOmitted } from './report-chart.ts';

const PERCENTILES = ['p50', 'p95', 'p99'] as const;

/** Voice-to-voice p50/p95/p99 per window over scenario time, fault windows shaded and labelled. */
export function latencyChart(evaluation: RunEvaluation): ChartOrOmitted {
  const name = 'latency';
  const title = 'Voice-to-voice latency';
  const axis = timeAxis(runSpanMs(evaluation));
  const points = evaluation.windows.flatMap((w) =>
    PERCENTILES.flatMap((p) => {
      const ms = w.voiceToVoice[p];
      return ms === null ? [] : [{ t: (w.startMs + w.endMs) / 2 / axis.divisor, percentile: p, ms }];
    }),
  );
  if (points.length === 0) return { name, title, omitted: 'no turn was answered, so there is no latency' };
  const faults = faultSpans(evaluation, axis);
  return {
    name,
    title,
    description:
      'Voice-to-voice latency (caller stops speaking → agent audio starts) at p50, p95 and p99 per window; shaded bands are the faults active at the time.',
    spec: {
      $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
      title: { text: title, subtitle: `p50 / p95 / p99 per window, ${runLabel(evaluation)}` },
      width: CHART_WIDTH,
      height: CHART_HEIGHT,
      config: chartConfig,
      layer: [
        ...(faults.length > 0
          ? [
              {
                data: { values: faults },
                mark: { type: 'rect' as const, color: FAULT_SHADE, opacity: 0.6 },
                encoding: {
                  x: { field: 'from', type: 'quantitative' as const },
                  x2: { field: 'to' },
                },
              },
              {
                data: { values: faults },
                mark: {
                  type: 'text' as const,
                  align: 'left' as const,
                  baseline: 'top' as const,
                  dx: 3,
                  fontSize: 10,
                },
                encoding: {
                  x: { field: 'from', type: 'quantitative' as const },
                  y: { field: 'labelY', type: 'quantitative' as const, scale: null },
                  text: { field: 'label' },
                },
              },
            ]
          : []),
        {
          data: { values: points },
          mark: { type: 'line' as const, strokeWidth: 1.5 },
          encoding: {
            x: { field: 't', type: 'quantitative' as const, title: axis.title },
            y: { field: 'ms', type: 'quantitative' as const, title: 'voice-to-voice (ms)' },
            color: {
              field: 'percentile',
              type: 'nominal' as const,
              title: 'percentile',
              scale: { domain: [...PERCENTILES], range: ['#66bb6a', '#fb8c00', '#c62828'] },
            },
          },
        },
      ],
    },
  };
}
