import { mkdir } from 'node:fs/promises';
import type { GateResult, RunEvaluation } from '../slo/run-evaluation.ts';
import { compareCharts, inStageOrder, shiftPair } from './compare-charts.ts';
import { compareFindings } from './compare-findings.ts';
import { compareNotes, compareReportHtml } from './compare-report-html.ts';
import { distributionShift } from './distribution-shift.ts';
import { junitXml } from './junit-xml.ts';
import { renderChartsTo } from './render-charts-to.ts';
import { reportJson } from './report-json.ts';
import { asReportOutput } from './report-output-error.ts';
import { compareVerdict } from './report-verdict.ts';
import { compareSummaryMarkdown } from './summary-markdown.ts';
import {
  type ReportOptions,
  type ReportResult,
  VERDICT_SCHEMA,
  writeReportFiles,
} from './write-run-report.ts';

/**
 * Writes a comparison of runs (usually pilot, hardening and scale of one vertical) into `outDir`:
 * the same artefacts as a run report, with SLO adherence side by side and the distribution shift.
 * `gates` are matched to runs by stage.
 */
export async function writeCompareReport(
  evaluations: readonly RunEvaluation[],
  options: ReportOptions & { readonly gates?: readonly GateResult[] },
): Promise<ReportResult> {
  const { outDir, gates = [] } = options;
  return asReportOutput(outDir, async () => {
    await mkdir(outDir, { recursive: true });
    const ordered = inStageOrder(evaluations);
    const verdict = compareVerdict(ordered, gates);
    const findings = compareFindings(ordered, gates);
    const pair = shiftPair(ordered);
    const shift = pair === null ? null : distributionShift(pair[0], pair[1]);
    const charts = await renderChartsTo(compareCharts(ordered), outDir);
    const files: Record<string, string> = {
      'index.html': compareReportHtml(ordered, verdict, findings, charts, shift, gates),
      'summary.md': compareSummaryMarkdown(ordered, verdict, findings),
      'verdict.json': reportJson({
        schema: VERDICT_SCHEMA,
        verdict,
        findings,
        reasons: Object.fromEntries(ordered.map((e) => [e.runId, e.reasons ?? null])),
        gates,
        distributionShift: shift,
        evaluations: ordered,
      }),
      'junit.xml': junitXml(ordered, gates),
    };
    return writeReportFiles(outDir, files, verdict, findings, charts, compareNotes(ordered));
  });
}
