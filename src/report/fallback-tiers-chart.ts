import { FALLBACK_TIERS } from '../protocol/agent-protocol.ts';
import type { RunEvaluation } from '../slo/run-evaluation.ts';
import { CHART_WIDTH, chartConfig, TIER_COLOURS } from './chart-config.ts';
import type { ChartOrOmitted } from './report-chart.ts';

/** Turns sent during a fault that reported no tier: no reply (failed, timed out, hung up) or no telemetry. */
export const UNREPORTED_TIER = 'no reply or no tier reported';
const UNREPORTED_COLOUR = '#bdbdbd';

/**
 * For each fault faults.jsonl says was applied: which fallback tier answered the turns sent while
 * it was active, and how many reported none (an agent that fails, or sends no telemetry, under
 * the fault still shows its fault here).
 */
export function fallbackTiersChart(evaluation: RunEvaluation): ChartOrOmitted {
  const name = 'fallback-tiers';
  const title = 'Fallback tier used during each fault';
  const values = evaluation.fallbackDuringFaults.flatMap((f) => [
    ...FALLBACK_TIERS.flatMap((tier, order) => {
      const turns = f.tiers[tier] ?? 0;
      return turns > 0 ? [{ fault: f.fault, tier, order, turns }] : [];
    }),
    ...((f.unreported ?? 0) > 0
      ? [{ fault: f.fault, tier: UNREPORTED_TIER, order: FALLBACK_TIERS.length, turns: f.unreported! }]
      : []),
  ]);
  if (evaluation.fallbackDuringFaults.length === 0)
    return { name, title, omitted: 'faults.jsonl records no fault applied during this run' };
  if (values.length === 0)
    return { name, title, omitted: 'no caller turn was sent while a fault was active' };
  return {
    name,
    title,
    description:
      'Share of the turns sent while each fault was active that were answered by the primary path, the secondary (failover) endpoint, the scripted tier, or a person, and (grey) those that got no reply or reported no tier. A healthy degradation path moves down the tiers instead of failing.',
    spec: {
      $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
      title: {
        text: title,
        subtitle: 'share of turns per tier while the fault was active',
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
          scale: {
            domain: [...FALLBACK_TIERS, UNREPORTED_TIER],
            range: [...FALLBACK_TIERS.map((t) => TIER_COLOURS[t]), UNREPORTED_COLOUR],
          },
        },
        tooltip: [{ field: 'fault' }, { field: 'tier' }, { field: 'turns', type: 'quantitative' }],
      },
    },
  };
}
