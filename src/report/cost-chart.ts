import type { RunEvaluation } from '../slo/run-evaluation.ts';
import { chartConfig, runLabel } from './chart-config.ts';
import { pounds } from './format-values.ts';
import type { ChartOrOmitted } from './report-chart.ts';

const COMPONENT_ORDER = ['telephony', 'asr', 'llm', 'tts', 'human'];
const COMPONENT_COLOURS = ['#78909c', '#42a5f5', '#7e57c2', '#26a69a', '#ffa726'];
const BASELINE = 'human agent (baseline)';

/**
 * Cost per resolved interaction, split by component in the proportions of the run's cost, next to
 * what the same call costs with a human agent (the price list's baseline).
 */
export function costChart(evaluation: RunEvaluation): ChartOrOmitted {
  const name = 'cost';
  const title = 'Cost per resolved interaction vs the human baseline';
  const { cost } = evaluation;
  if (cost.perResolved === null)
    return { name, title, omitted: 'no call was resolved, so there is no cost per resolved interaction' };
  const perResolved = cost.perResolved;
  const components = Object.entries(cost.breakdown)
    .filter(([, amount]) => amount > 0)
    .sort(([a], [b]) => rank(a) - rank(b));
  const agentBars =
    cost.totalCost > 0 && components.length > 0
      ? components.map(([component, amount], order) => ({
          who: 'voice agent',
          component,
          order,
          amount: (amount / cost.totalCost) * perResolved,
        }))
      : [{ who: 'voice agent', component: 'total', order: 0, amount: perResolved }];
  const values = [
    ...agentBars,
    { who: 'human baseline', component: BASELINE, order: 99, amount: cost.humanBaselinePerCall },
  ];
  const domain = agentBars.map((b) => b.component);
  const labels = [
    { who: 'voice agent', amount: perResolved, label: pounds(perResolved) },
    { who: 'human baseline', amount: cost.humanBaselinePerCall, label: pounds(cost.humanBaselinePerCall) },
  ];
  const y = { field: 'who', type: 'nominal' as const, title: null, sort: ['voice agent', 'human baseline'] };
  return {
    name,
    title,
    description:
      'What one resolved interaction costs the voice agent (telephony, ASR, LLM, TTS and the human time of its escalations, spread over the calls it resolved) against what a call handled by a person costs.',
    spec: {
      $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
      title: { text: title, subtitle: `${cost.currency}, ${runLabel(evaluation)}` },
      width: 480,
      height: 90,
      config: chartConfig,
      layer: [
        {
          data: { values },
          mark: { type: 'bar' },
          encoding: {
            y,
            x: {
              field: 'amount',
              type: 'quantitative',
              stack: 'zero',
              title: `${cost.currency} per resolved interaction`,
            },
            order: { field: 'order' },
            color: {
              field: 'component',
              type: 'nominal',
              title: 'component',
              scale: { domain: [...domain, BASELINE], range: [...domain.map(colour), '#bdbdbd'] },
            },
          },
        },
        {
          data: { values: labels },
          mark: { type: 'text', align: 'left', dx: 4, fontSize: 11, fontWeight: 'bold' },
          encoding: { y, x: { field: 'amount', type: 'quantitative' }, text: { field: 'label' } },
        },
      ],
    },
  };
}

function colour(component: string): string {
  const i = COMPONENT_ORDER.indexOf(component);
  return i === -1 ? '#8d6e63' : COMPONENT_COLOURS[i]!;
}

function rank(component: string): number {
  const i = COMPONENT_ORDER.indexOf(component);
  return i === -1 ? COMPONENT_ORDER.length : i;
}
