import type { RunEvaluation } from '../slo/run-evaluation.ts';
import { burnDownChart } from './burn-down-chart.ts';
import { cohortChart } from './cohort-chart.ts';
import { costChart } from './cost-chart.ts';
import { escalationReasonsChart } from './escalation-reasons-chart.ts';
import { fallbackTiersChart } from './fallback-tiers-chart.ts';
import { humanQueueChart } from './human-queue-chart.ts';
import { latencyChart } from './latency-chart.ts';
import { outcomesChart } from './outcomes-chart.ts';
import type { ChartOrOmitted } from './report-chart.ts';

/** The charts of a run report, in the order the report shows them. */
export const RUN_CHARTS = {
  latency: latencyChart,
  outcomes: outcomesChart,
  cohorts: cohortChart,
  'burn-down': burnDownChart,
  'escalation-reasons': escalationReasonsChart,
  'fallback-tiers': fallbackTiersChart,
  cost: costChart,
  'human-queue': humanQueueChart,
} as const satisfies Record<string, (evaluation: RunEvaluation) => ChartOrOmitted>;

export type RunChartName = keyof typeof RUN_CHARTS;

export function runCharts(evaluation: RunEvaluation): ChartOrOmitted[] {
  return Object.values(RUN_CHARTS).map((build) => build(evaluation));
}
