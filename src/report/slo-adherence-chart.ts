import type { RunEvaluation } from '../slo/run-evaluation.ts';
import { chartConfig, FAIL_COLOUR, NEUTRAL_COLOUR, PASS_COLOUR } from './chart-config.ts';
import type { ReportChart } from './report-chart.ts';

/** A grid: one row per SLO, one column per run (stage), each cell passed / failed / not measured. */
export function sloAdherenceChart(evaluations: readonly RunEvaluation[]): ReportChart {
  const title = 'SLO adherence by stage';
  const short = evaluations.map((e) => `${e.stage} (${e.agent})`);
  // Two runs of the same stage and agent (e.g. two drills) are told apart by their run ids.
  const columns = short.map((c, i) =>
    short.indexOf(c) === short.lastIndexOf(c) ? c : evaluations[i]!.runId,
  );
  const slos = [...new Set(evaluations.flatMap((e) => e.slos.map((s) => s.displayName)))];
  const values = evaluations.flatMap((e, i) =>
    slos.map((slo) => {
      const r = e.slos.find((s) => s.displayName === slo);
      const status =
        r === undefined
          ? 'not in this stage'
          : r.passed === null
            ? 'not measured'
            : r.passed
              ? 'met'
              : 'missed';
      return {
        run: columns[i]!,
        slo,
        status,
        text: r === undefined ? '' : `${r.display.value} (${r.display.target})`,
      };
    }),
  );
  const x = {
    field: 'run',
    type: 'nominal' as const,
    sort: columns,
    title: null,
    axis: { orient: 'top' as const, labelAngle: 0, labelLimit: 400 },
  };
  const y = { field: 'slo', type: 'nominal' as const, sort: slos, title: null, axis: { labelLimit: 320 } };
  return {
    name: 'slo-adherence',
    title,
    description:
      'Every SLO of every stage, side by side: green met, red missed, grey not measured (no events) or not part of that stage’s SLO set. Each cell shows the measured value and its target.',
    spec: {
      $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
      title: {
        text: title,
        subtitle: `measured (target) per SLO; runs: ${evaluations.map((e) => e.runId).join(', ')}`,
      },
      width: Math.max(240, columns.length * 190),
      height: Math.max(60, slos.length * 26),
      config: { ...chartConfig, axis: { ...chartConfig.axis, grid: false } },
      data: { values },
      layer: [
        {
          mark: { type: 'rect', stroke: 'white', strokeWidth: 2 },
          encoding: {
            x,
            y,
            color: {
              field: 'status',
              type: 'nominal',
              title: null,
              scale: {
                domain: ['met', 'missed', 'not measured', 'not in this stage'],
                range: [PASS_COLOUR, FAIL_COLOUR, NEUTRAL_COLOUR, '#eeeeee'],
              },
            },
          },
        },
        {
          mark: { type: 'text', fontSize: 10, color: 'white' },
          encoding: { x, y, text: { field: 'text' } },
        },
      ],
    },
  };
}
