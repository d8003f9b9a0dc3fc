import { chartConfig } from './chart-config.ts';
import type { DistributionShift } from './distribution-shift.ts';
import { percent } from './format-values.ts';
import type { ReportChart } from './report-chart.ts';

const SERIES = ['pilot as measured', 'pilot reweighted to scale mix', 'scale measured'];
const COLOURS = ['#9e9e9e', '#fb8c00', '#1565c0'];

/** Pilot's prediction (per cohort, and reweighted overall) next to what scale measured. */
export function distributionShiftChart(shift: DistributionShift): ReportChart {
  const title = 'Distribution shift: what the pilot predicts vs what scale measured';
  const rows = shift.cohorts.map((c) => ({
    ...c,
    label: `${c.cohort} · ${percent(c.scaleShare, 0)}`,
    flag: c.covered ? (c.thin ? `thin: ${c.pilotCalls} pilot calls` : '') : 'never seen in pilot',
  }));
  const order = rows.map((r) => r.label);
  const y = {
    field: 'label',
    type: 'nominal' as const,
    sort: order,
    title: 'cohort · share of scale calls',
    axis: { labelLimit: 260 },
  };
  const perCohort = rows.flatMap((r) => [
    ...(r.pilotContainment === null
      ? []
      : [{ label: r.label, series: 'pilot', containment: r.pilotContainment }]),
    ...(r.scaleContainment === null
      ? []
      : [{ label: r.label, series: 'scale', containment: r.scaleContainment }]),
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
    description: `Left: containment per dialect cohort as the pilot measured it (orange) and as scale measured it (blue), cohorts ordered by their share of scale traffic; cohorts the pilot never saw are flagged. Right: the pilot's overall containment, the same per-cohort figures reweighted to the scale mix over the cohorts the pilot covered (${percent(shift.coveredShare, 0)} of scale calls), and what scale measured.`,
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
                  scale: { domain: ['pilot', 'scale'], range: [COLOURS[1]!, COLOURS[2]!] },
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
