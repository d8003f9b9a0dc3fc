import type { TopLevelSpec } from 'vega-lite';

/**
 * One chart of a report: a Vega-Lite spec built (purely) from the SLO engine's results, with the
 * name its files get (`charts/<name>.svg|png`) and a sentence saying what it shows.
 */
export interface ReportChart {
  /** kebab-case; the file name under charts/. */
  readonly name: string;
  readonly title: string;
  readonly description: string;
  readonly spec: TopLevelSpec;
}

/** A chart that has nothing to show for this run says why instead of drawing an empty frame. */
export interface OmittedChart {
  readonly name: string;
  readonly title: string;
  readonly omitted: string;
}

export type ChartOrOmitted = ReportChart | OmittedChart;

export const isOmitted = (c: ChartOrOmitted): c is OmittedChart => 'omitted' in c;
