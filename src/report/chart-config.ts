import type { Config } from 'vega-lite';
import type { FallbackTier } from '../protocol/agent-protocol.ts';
import type { RunEvaluation } from '../slo/run-evaluation.ts';
import type { CallOutcome } from '../telemetry/call-record.ts';

/**
 * Everything the charts share: the font (DejaVu Sans, so resvg draws the text in PNGs — without
 * a font it silently drops it), sizes, and colours that mean the same thing in every chart.
 */
export const REPORT_FONT = 'DejaVu Sans';
export const CHART_WIDTH = 640;
export const CHART_HEIGHT = 260;

export const chartConfig: Config = {
  font: REPORT_FONT,
  background: 'white',
  padding: 8,
  title: { fontSize: 15, anchor: 'start', subtitleFontSize: 11, subtitleColor: '#555' },
  axis: { labelFontSize: 11, titleFontSize: 11, grid: true, gridColor: '#eee' },
  legend: { labelFontSize: 11, titleFontSize: 11, orient: 'bottom', labelLimit: 300 },
  view: { stroke: null },
};

export const OUTCOME_COLOURS: Readonly<Record<CallOutcome, string>> = {
  resolved: '#2e7d32',
  'false-containment': '#ad1457',
  escalated: '#1565c0',
  abandoned: '#ef6c00',
  failed: '#c62828',
};

export const TIER_COLOURS: Readonly<Record<FallbackTier, string>> = {
  primary: '#2e7d32',
  secondary: '#1565c0',
  scripted: '#ef6c00',
  human: '#6a1b9a',
};

export const PASS_COLOUR = '#2e7d32';
export const FAIL_COLOUR = '#c62828';
export const NEUTRAL_COLOUR = '#9e9e9e';
export const FAULT_SHADE = '#ffcdd2';

/** Scenario time on an x axis: minutes for a short window, hours for a day or two, days beyond. */
export interface TimeAxis {
  readonly divisor: number;
  readonly title: string;
}

export function timeAxis(spanMs: number): TimeAxis {
  if (spanMs <= 3 * 3_600_000) return { divisor: 60_000, title: 'scenario time (min)' };
  if (spanMs <= 72 * 3_600_000) return { divisor: 3_600_000, title: 'scenario time (h)' };
  return { divisor: 86_400_000, title: 'scenario time (days)' };
}

/**
 * A run as a chart subtitle names it — stage, drill, agent — short enough for a slide (the run id,
 * tens of characters long, is in the report's facts and the comparison's key).
 */
export function runLabel(e: Pick<RunEvaluation, 'stage' | 'drill' | 'agent'>): string {
  return `${e.stage}${e.drill ? ` · ${e.drill}` : ''} · ${e.agent}`;
}
