import type { RunEvaluation } from '../slo/run-evaluation.ts';
import { CHART_WIDTH, chartConfig, runLabel } from './chart-config.ts';
import type { ChartOrOmitted } from './report-chart.ts';

/** Bars at most: the most frequent reasons, the rest folded into one. */
export const MAX_REASON_BARS = 12;

/** Escalated calls by the reason the agent gave, most frequent first. */
export function escalationReasonsChart(evaluation: RunEvaluation): ChartOrOmitted {
  const name = 'escalation-reasons';
  const title = 'Escalation reasons';
  const all = Object.entries(evaluation.escalationReasons)
    .filter(([, calls]) => calls > 0)
    .map(([reason, calls]) => ({ reason, calls }))
    .sort((a, b) => b.calls - a.calls || a.reason.localeCompare(b.reason));
  if (all.length === 0) return { name, title, omitted: 'no call was escalated to a person' };
  // However many reasons an agent invents, the chart keeps a slide's height: the rest are one bar.
  const rest = all.slice(MAX_REASON_BARS - 1);
  const values =
    all.length <= MAX_REASON_BARS
      ? all
      : [
          ...all.slice(0, MAX_REASON_BARS - 1),
          { reason: `${rest.length} other reasons`, calls: rest.reduce((n, r) => n + r.calls, 0) },
        ];
  const y = {
    field: 'reason',
    type: 'nominal' as const,
    sort: values.map((v) => v.reason),
    title: null,
    axis: { labelLimit: 260 },
  };
  return {
    name,
    title,
    description:
      'Why calls were handed to a person, as the agent said in its transfer. Dependency reasons (LLM or CRM unavailable) growing during a fault are the fallback path working; "caller asked" is demand the agent cannot remove.',
    spec: {
      $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
      title: { text: title, subtitle: `escalated calls by reason, ${runLabel(evaluation)}` },
      width: CHART_WIDTH - 160,
      height: Math.max(80, values.length * 22),
      config: chartConfig,
      data: { values },
      layer: [
        {
          mark: { type: 'bar', color: '#1565c0' },
          encoding: { y, x: { field: 'calls', type: 'quantitative', title: 'escalated calls' } },
        },
        {
          mark: { type: 'text', align: 'left', dx: 3, fontSize: 10 },
          encoding: { y, x: { field: 'calls', type: 'quantitative' }, text: { field: 'calls' } },
        },
      ],
    },
  };
}
