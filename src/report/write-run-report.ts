import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { GateResult, RunEvaluation } from '../slo/run-evaluation.ts';
import { junitXml } from './junit-xml.ts';
import { renderChartsTo } from './render-charts-to.ts';
import { reportJson } from './report-json.ts';
import { asReportOutput } from './report-output-error.ts';
import { type ReportVerdict, runVerdict } from './report-verdict.ts';
import { runCharts } from './run-charts.ts';
import { type Finding, runFindings } from './run-findings.ts';
import { runReportHtml } from './run-report-html.ts';
import { runSummaryMarkdown } from './summary-markdown.ts';

export const VERDICT_SCHEMA = 'callstorm.verdict/v1' as const;

export interface ReportOptions {
  /** Folder to write into (created if missing). */
  readonly outDir: string;
}

export interface ReportResult {
  readonly outDir: string;
  readonly verdict: ReportVerdict;
  readonly findings: readonly Finding[];
  /** The evaluations' notes on their evidence (a comparison's prefixed with the run id). */
  readonly notes: readonly string[];
  /** Paths written, relative to outDir. */
  readonly files: readonly string[];
  /** Charts rendered, and those left out with the reason. */
  readonly charts: readonly { readonly name: string; readonly omitted: string | null }[];
}

/**
 * Writes the report of one run into `outDir`: index.html (self-contained), summary.md,
 * verdict.json, junit.xml and charts/*.svg|png|vl.json. Everything shown is built from
 * `evaluation` (and `gate`), the SLO engine's result.
 */
export async function writeRunReport(
  evaluation: RunEvaluation,
  options: ReportOptions & { readonly gate?: GateResult },
): Promise<ReportResult> {
  const { outDir, gate } = options;
  return asReportOutput(outDir, async () => {
    await mkdir(outDir, { recursive: true });
    const verdict = runVerdict(evaluation, gate);
    const findings = runFindings(evaluation, gate);
    const charts = await renderChartsTo(runCharts(evaluation), outDir);
    const files: Record<string, string> = {
      'index.html': runReportHtml(evaluation, verdict, findings, charts, gate),
      'summary.md': runSummaryMarkdown(evaluation, verdict, findings),
      'verdict.json': reportJson({
        schema: VERDICT_SCHEMA,
        verdict,
        findings,
        reasons: evaluation.reasons ?? null,
        gate: gate ?? null,
        evaluation,
      }),
      'junit.xml': junitXml([evaluation], gate === undefined ? [] : [gate]),
    };
    return writeReportFiles(outDir, files, verdict, findings, charts, evaluation.notes ?? []);
  });
}

/** Writes the report's text files next to its charts and says what the folder now holds. */
export async function writeReportFiles(
  outDir: string,
  files: Readonly<Record<string, string>>,
  verdict: ReportVerdict,
  findings: readonly Finding[],
  charts: readonly { chart: { name: string } | { name: string; omitted: string }; svg: string | null }[],
  notes: readonly string[] = [],
): Promise<ReportResult> {
  for (const [name, text] of Object.entries(files)) await writeFile(join(outDir, name), text);
  return {
    outDir,
    verdict,
    findings,
    notes,
    files: [...Object.keys(files), ...chartFiles(charts)],
    charts: charts.map((c) => ({
      name: c.chart.name,
      omitted: 'omitted' in c.chart ? c.chart.omitted : null,
    })),
  };
}

export function chartFiles(charts: readonly { chart: { name: string }; svg: string | null }[]): string[] {
  return charts
    .filter((c) => c.svg !== null)
    .flatMap((c) => ['svg', 'png', 'vl.json'].map((ext) => `charts/${c.chart.name}.${ext}`));
}
