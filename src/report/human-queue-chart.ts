import type { RunEvaluation } from '../slo/run-evaluation.ts';
import { CHART_HEIGHT, CHART_WIDTH, chartConfig, runLabel, timeAxis } from './chart-config.ts';
import { runSpanMs } from './fault-spans.ts';
import type { ChartOrOmitted } from './report-chart.ts';

/** Above this many windows the chart draws areas and lines instead of bars and points. */
export const DENSE_WINDOWS = 300;

/** Human queue per window: service level (answered within 20 s) and the mean wait, on two axes. */
export function humanQueueChart(evaluation: RunEvaluation): ChartOrOmitted {
  const name = 'human-queue';
  const title = 'Human queue: service level and wait';
  const windows = evaluation.humanQueue.windows.filter((w) => w.escalated > 0);
  if (windows.length === 0) return { name, title, omitted: 'no call reached the human queue' };
  const axis = timeAxis(runSpanMs(evaluation));
  const starts = evaluation.humanQueue.windows.map((w) => w.startMs);
  const step = starts.slice(1).reduce((m, s, i) => Math.min(m, s - starts[i]!), Number.POSITIVE_INFINITY);
  const widthMs = Number.isFinite(step) && step > 0 ? step : (evaluation.windows[0]?.endMs ?? 300_000);
  const values = windows.map((w) => ({
    t: w.startMs / axis.divisor,
    tEnd: (w.startMs + widthMs) / axis.divisor,
    tMid: (w.startMs + widthMs / 2) / axis.divisor,
    escalated: w.escalated,
    serviceLevel: w.serviceLevel,
    waitS: w.meanWaitMs === null ? null : w.meanWaitMs / 1000,
  }));
  const x = { field: 't', type: 'quantitative' as const, title: axis.title };
  const dense = windows.length > DENSE_WINDOWS;
  return {
    name,
    title,
    description:
      'For the calls the agent handed to a person, per window: the service level (share answered within 20 s, line) and the mean wait in the queue (grey bars; a grey area on long runs). Escalations the queue cannot absorb turn into abandoned calls.',
    spec: {
      $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
      title: { text: title, subtitle: `escalated calls per window, ${runLabel(evaluation)}` },
      width: CHART_WIDTH,
      height: CHART_HEIGHT,
      config: chartConfig,
      data: { values },
      layer: [
        // A bar per window up to a few hundred windows; beyond that one stepped area draws the same
        // shape without thousands of rects (a month of 5-minute windows is 8,640).
        dense
          ? {
              mark: { type: 'area' as const, color: '#b0bec5', interpolate: 'step-after' as const },
              encoding: { x, y: { field: 'waitS', type: 'quantitative' as const, title: 'mean wait (s)' } },
            }
          : {
              mark: { type: 'rect' as const, color: '#b0bec5', stroke: 'white', strokeWidth: 1 },
              encoding: {
                x,
                x2: { field: 'tEnd' },
                y: {
                  field: 'waitS',
                  type: 'quantitative' as const,
                  title: 'mean wait (s)',
                  scale: { zero: true },
                },
                y2: { datum: 0 },
              },
            },
        {
          mark: {
            type: 'line' as const,
            color: '#6a1b9a',
            strokeWidth: 1.5,
            ...(dense ? {} : { point: { color: '#6a1b9a' } }),
          },
          encoding: {
            x: { ...x, field: 'tMid' },
            y: {
              field: 'serviceLevel',
              type: 'quantitative',
              title: 'service level (answered ≤ 20 s)',
              axis: { format: '.0%', titleColor: '#6a1b9a' },
              scale: { domain: [0, 1] },
            },
          },
        },
      ],
      resolve: { scale: { y: 'independent' } },
    },
  };
}
