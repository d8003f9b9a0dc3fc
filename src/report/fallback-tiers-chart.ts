import { FALLBACK_TIERS } from '../protocol/agent-protocol.ts';
import type { RunEvaluation } from '../slo/run-evaluation.ts';
import { CHART_WIDTH, chartConfig, TIER_COLOURS } from './chart-config.ts';
import type { ChartOrOmitted } from './report-chart.ts';

/** For each fault: which fallback tier answered the turns sent while it was active. */
export function fallbackTiersChart(evaluation: RunEvaluation): ChartOrOmitted {
  const name = 'fallback-tiers';
  const title = 'Fallback tier used during each fault';
  const values = evaluation.fallbackDuringFaults.flatMap((f) =>
    FALLBACK_TIERS.flatMap((tier, order) => {
      const turns = f.tiers[tier] ?? 0;
      return turns > 0 ? [{ fault: f.fault, tier, order, turns }] : [];
    }),
  );
  if (values.length === 0) return { name, title, omitted: 'no fault was active during this run' };
  return {
    name,
    title,
    description:
      'Share of the turns sent while each fault was active that were answered by the primary path, the secondary (failover) endpoint, the scripted tier, or a person. A healthy degradation path moves down the tiers instead of failing.',
    spec: {
      $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
      title: {
        text: title,
        subtitle: `share of turns per tier while the fault was active, ${evaluation.runId}`,
      },
      width: CHART_WIDTH - 160,
      height: Math.max(60, evaluation.fallbackDuringFaults.length * 30),
      config: chartConfig,
      data: { values },
      mark: { type: 'bar' },
      encoding: {
        y: { field: 'fault', type: 'nominal', title: null },
        x: {
          field: 'turns',
          type: 'quantitative',
          stack: 'normalize',
          title: 'share of turns',
          axis: { format: '.0%' },
        },
        order: { field: 'order' },
        color: {
          field: 'tier',
          type: 'nominal',
          title: 'tier',
          scale: { domain: [...FALLBACK_TIERS], range: FALLBACK_TIERS.map((t) => TIER_COLOURS[t]) },
        },
        tooltip: [{ field: 'fault' }, { field: 'tier' }, { field: 'turns', type: 'quantitative' }],
      },
    },
  };
}
