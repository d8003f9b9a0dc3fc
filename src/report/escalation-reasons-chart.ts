import type { RunEvaluation } from '../slo/run-evaluation.ts';
import { CHART_WIDTH, chartConfig } from './chart-config.ts';
import type { ChartOrOmitted } from './report-chart.ts';

/** Escalated calls by the reason the agent gave, most frequent first. */
export function escalationReasonsChart(evaluation: RunEvaluation): ChartOrOmitted {
  const name = 'escalation-reasons';
  const title = 'Escalation reasons';
  const values = Object.entries(evaluation.escalationReasons)
    .filter(([, calls]) => calls > 0)
    .map(([reason, calls]) => ({ reason, calls }))
    .sort((a, b) => b.calls - a.calls);
  if (values.length === 0) return { name, title, omitted: 'no call was escalated to a person' };
  const y = { field: 'reason', type: 'nominal' as const, sort: values.map((v) => v.reason), title: null };
  return {
    name,
    title,
    description:
      'Why calls were handed to a person, as the agent said in its transfer. Dependency reasons (LLM or CRM unavailable) growing during a fault are the fallback path working; "caller asked" is demand the agent cannot remove.',
    spec: {
      $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
      title: { text: title, subtitle: `escalated calls by reason, ${evaluation.runId}` },
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
