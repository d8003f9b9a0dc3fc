import { pct } from '../slo/evaluate-slo.ts';
import type { RunEvaluation, SloResult } from '../slo/run-evaluation.ts';
import { chartConfig, FAIL_COLOUR, NEUTRAL_COLOUR, PASS_COLOUR } from './chart-config.ts';
import type { ReportChart } from './report-chart.ts';

/** The grid's width budget (px at 1×): with the row labels it fits a 1920-px slide at 1.5×. */
const GRID_WIDTH = 880;
const TOO_FEW_COLOUR = '#8d6e63';

function status(r: SloResult | undefined): string {
  if (r === undefined) return 'not in this stage';
  if (r.passed === true) return 'met';
  if (r.passed === false) return 'missed';
  return r.total === 0 ? 'not measured' : 'too few to judge';
}

/** What a cell says: the measured share (the full value and target are in the key and the SLO tables). */
function cellText(r: SloResult | undefined): string {
  if (r === undefined) return '';
  return r.measured === null ? 'no data' : pct(r.measured);
}

/**
 * A run in the key: its id — callstorm's ids already say stage, drill and agent — or, for an id
 * that does not (an ingested run), the id with them.
 */
export function keyText(e: Pick<RunEvaluation, 'runId' | 'stage' | 'drill' | 'agent'>): string {
  const agent = e.agent.replace(/^reference:/, '');
  const said = [e.stage, e.drill ?? 'baseline', agent].every((part) => e.runId.includes(part));
  return said ? e.runId : `${e.runId} (${e.stage} · ${e.drill ?? 'baseline'} · ${e.agent})`;
}

/** `#3` for the third run: the column label, explained by the key under the grid. */
export const runKey = (i: number) => `#${i + 1}`;

/**
 * A grid: one row per SLO, one column per run, each cell met / missed / not measured / too few to
 * judge / not in that stage's set, with the measured share. Columns are labelled `#1 pilot`, …
 * and explained by a key under the grid (stage, agent, drill, run id), so any number of runs fits
 * a slide: the grid's width is fixed, each column narrower as runs are added.
 */
export function sloAdherenceChart(evaluations: readonly RunEvaluation[]): ReportChart {
  const title = 'SLO adherence by stage';
  const columns = evaluations.map((e, i) => `${runKey(i)} ${e.stage}`);
  const slos = [...new Set(evaluations.flatMap((e) => e.slos.map((s) => s.displayName)))];
  const values = evaluations.flatMap((e, i) =>
    slos.map((slo) => {
      const r = e.slos.find((s) => s.displayName === slo);
      return {
        run: columns[i]!,
        slo,
        status: status(r),
        text: cellText(r),
        detail: r === undefined ? '' : `${r.display.value} (${r.display.target})`,
      };
    }),
  );
  const cell = Math.max(56, Math.min(150, Math.floor(GRID_WIDTH / Math.max(1, columns.length))));
  const x = {
    field: 'run',
    type: 'nominal' as const,
    sort: columns,
    title: null,
    axis: { orient: 'top' as const, labelAngle: 0, labelLimit: cell - 4 },
  };
  const y = { field: 'slo', type: 'nominal' as const, sort: slos, title: null, axis: { labelLimit: 300 } };
  const key = evaluations.map((e, i) => ({ order: i, text: `${runKey(i)}  ${keyText(e)}` }));
  return {
    name: 'slo-adherence',
    title,
    description:
      'Every SLO of every stage, side by side: green met, red missed, brown too few events to judge, grey not measured (no events) or not part of that stage’s SLO set. Each cell shows the measured share; the key under the grid names each run.',
    spec: {
      $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
      title: { text: title, subtitle: 'measured share per SLO and run (the key below names the runs)' },
      config: { ...chartConfig, axis: { ...chartConfig.axis, grid: false } },
      vconcat: [
        {
          width: cell * columns.length,
          height: Math.max(60, slos.length * 24),
          data: { values },
          layer: [
            {
              mark: { type: 'rect', stroke: 'white', strokeWidth: 2, tooltip: true },
              encoding: {
                x,
                y,
                color: {
                  field: 'status',
                  type: 'nominal',
                  title: null,
                  scale: {
                    domain: ['met', 'missed', 'too few to judge', 'not measured', 'not in this stage'],
                    range: [PASS_COLOUR, FAIL_COLOUR, TOO_FEW_COLOUR, NEUTRAL_COLOUR, '#eeeeee'],
                  },
                },
                tooltip: [
                  { field: 'run' },
                  { field: 'slo' },
                  { field: 'detail', title: 'measured (target)' },
                ],
              },
            },
            {
              mark: { type: 'text', fontSize: 11, color: 'white' },
              encoding: { x, y, text: { field: 'text' } },
            },
          ],
        },
        {
          width: cell * columns.length,
          height: key.length * 15,
          data: { values: key },
          mark: { type: 'text', align: 'left', baseline: 'middle', fontSize: 11, limit: GRID_WIDTH },
          encoding: {
            y: { field: 'order', type: 'ordinal', axis: null },
            x: { value: 0 },
            text: { field: 'text' },
          },
        },
      ],
    },
  };
}
