import type { RunEvaluation } from '../slo/run-evaluation.ts';
import { chartConfig, runLabel } from './chart-config.ts';
import { percent } from './format-values.ts';
import type { ChartOrOmitted } from './report-chart.ts';

/** Containment and mean ASR confidence per dialect cohort, worst containment first. */
export function cohortChart(evaluation: RunEvaluation): ChartOrOmitted {
  const name = 'cohorts';
  const title = 'Containment and ASR confidence by dialect cohort';
  if (evaluation.cohorts.length === 0) return { name, title, omitted: 'the run has no cohort data' };
  const values = [...evaluation.cohorts]
    .sort((a, b) => a.containment - b.containment)
    .map((c) => ({
      cohort: `${c.cohort} · ${c.calls}`,
      containment: c.containment,
      confidence: c.meanAsrConfidence,
      label: percent(c.containment, 0),
    }));
  const order = values.map((v) => v.cohort);
  const height = Math.max(120, values.length * 18);
  const y = {
    field: 'cohort',
    type: 'nominal' as const,
    sort: order,
    title: 'cohort · calls',
    axis: { labelLimit: 260 },
  };
  return {
    name,
    title,
    description:
      'Per dialect cohort: the share of calls resolved (containment; the rule is the whole run) and the mean ASR confidence the agent reported. A cohort far left of the rule is where the agent breaks.',
    spec: {
      $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
      title: { text: title, subtitle: `${runLabel(evaluation)}; worst containment first` },
      config: chartConfig,
      data: { values },
      hconcat: [
        {
          width: 300,
          height,
          layer: [
            {
              mark: { type: 'bar', color: '#2e7d32' },
              encoding: {
                y,
                x: {
                  field: 'containment',
                  type: 'quantitative',
                  title: 'containment',
                  axis: { format: '.0%' },
                  scale: { domain: [0, 1] },
                },
              },
            },
            {
              mark: { type: 'text', align: 'left', dx: 3, fontSize: 10 },
              encoding: { y, x: { field: 'containment', type: 'quantitative' }, text: { field: 'label' } },
            },
            {
              data: { values: [{ overall: evaluation.containment }] },
              mark: { type: 'rule', color: '#333', strokeDash: [4, 3] },
              encoding: { x: { field: 'overall', type: 'quantitative' } },
            },
          ],
        },
        {
          width: 220,
          height,
          mark: { type: 'point', filled: true, size: 60, color: '#1565c0' },
          encoding: {
            y: { ...y, axis: { labels: false, title: null } },
            x: {
              field: 'confidence',
              type: 'quantitative',
              title: 'mean ASR confidence',
              scale: { zero: false },
            },
          },
        },
      ],
    },
  };
}
