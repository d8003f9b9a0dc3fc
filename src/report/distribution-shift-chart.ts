import { chartConfig } from './chart-config.ts';
import type { DistributionShift } from './distribution-shift.ts';
import { percent } from './format-values.ts';
import type { ReportChart } from './report-chart.ts';

const COLOURS = ['#9e9e9e', '#fb8c00', '#1565c0'];

/** Pilot's prediction (per cohort, and reweighted overall) next to what scale measured. */
export function distributionShiftChart(shift: DistributionShift): ReportChart {
  // Two runs of one stage are told apart by their run ids.
  const same = shift.pilotStage === shift.scaleStage;
  const from = same ? shift.pilotRunId : shift.pilotStage;
  const to = same ? shift.scaleRunId : shift.scaleStage;
  const SERIES = [`${from} as measured`, `${from} reweighted to ${to} mix`, `${to} measured`];
  const title = `Distribution shift: what the ${from} run predicts vs what ${to} measured`;
  const rows = shift.cohorts.map((c) => ({
    ...c,
    label: `${c.cohort} · ${percent(c.scaleShare, 0)}`,
    flag: c.covered ? (c.thin ? `thin: ${c.pilotCalls} ${from} calls` : '') : `never seen in ${from}`,
  }));
  const order = rows.map((r) => r.label);
  const y = {
    field: 'label',
    type: 'nominal' as const,
    sort: order,
    title: `cohort · share of ${to} calls`,
    axis: { labelLimit: 260 },
  };
  const perCohort = rows.flatMap((r) => [
    ...(r.pilotContainment === null
      ? []
      : [{ label: r.label, series: from, containment: r.pilotContainment }]),
    ...(r.scaleContainment === null ? [] : [{ label: r.label, series: to, containment: r.scaleContainment }]),
  ]);
  const overall = [
    { series: SERIES[0], containment: shift.pilotAsMeasured },
    ...(shift.pilotReweighted === null ? [] : [{ series: SERIES[1], containment: shift.pilotReweighted }]),
    { series: SERIES[2], containment: shift.scaleMeasured },
  ].map((o) => ({ ...o, text: percent(o.containment ?? null, 1) }));
  const height = Math.max(120, rows.length * 18);
  return {
    name: 'distribution-shift',
    title,
    description: `Left: containment per dialect cohort as the ${from} run measured it (orange) and as ${to} measured it (blue), cohorts ordered by their share of ${to} traffic; cohorts the ${from} run never saw, or saw fewer than 30 times, are flagged. Right: the ${from} run's overall containment, its per-cohort figures reweighted to the ${to} mix over the cohorts it covered (${percent(shift.coveredShare, 0)} of ${to} calls), and what ${to} measured.`,
    spec: {
      $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
      title: { text: title, subtitle: `${shift.pilotRunId} → ${shift.scaleRunId}` },
      config: chartConfig,
      resolve: { scale: { color: 'independent' } },
      hconcat: [
        {
          width: 300,
          height,
          layer: [
            {
              data: { values: rows },
              mark: { type: 'rule', color: '#bbb' },
              encoding: {
                y,
                x: { field: 'pilotContainment', type: 'quantitative' },
                x2: { field: 'scaleContainment' },
              },
            },
            {
              data: { values: perCohort },
              mark: { type: 'point', filled: true, size: 70 },
              encoding: {
                y,
                x: {
                  field: 'containment',
                  type: 'quantitative',
                  title: 'containment',
                  axis: { format: '.0%' },
                  scale: { domain: [0, 1] },
                },
                color: {
                  field: 'series',
                  type: 'nominal',
                  title: null,
                  scale: { domain: [from, to], range: [COLOURS[1]!, COLOURS[2]!] },
                },
              },
            },
            {
              data: { values: rows.filter((r) => r.flag !== '') },
              mark: { type: 'text', align: 'right', dx: -4, fontSize: 10, color: '#c62828' },
              encoding: { y, x: { datum: 1, type: 'quantitative' }, text: { field: 'flag' } },
            },
          ],
        },
        {
          width: 200,
          height: 120,
          data: { values: overall },
          layer: [
            {
              mark: { type: 'bar' },
              encoding: {
                x: {
                  field: 'series',
                  type: 'nominal',
                  sort: SERIES,
                  title: null,
                  axis: { labelAngle: -30, labelLimit: 320 },
                },
                y: {
                  field: 'containment',
                  type: 'quantitative',
                  title: 'overall containment',
                  axis: { format: '.0%' },
                  scale: { domain: [0, 1] },
                },
                color: {
                  field: 'series',
                  type: 'nominal',
                  legend: null,
                  scale: { domain: SERIES, range: COLOURS },
                },
              },
            },
            {
              mark: { type: 'text', dy: -6, fontSize: 11 },
              encoding: {
                x: { field: 'series', type: 'nominal', sort: SERIES },
                y: { field: 'containment', type: 'quantitative' },
                text: { field: 'text' },
              },
            },
          ],
        },
      ],
    },
  };
}
