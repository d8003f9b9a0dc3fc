import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { renderSvg, svgToPng } from '../src/report/render-chart.ts';
import { isOmitted } from '../src/report/report-chart.ts';
import { runCharts } from '../src/report/run-charts.ts';
import { writeRunReport } from '../src/report/write-run-report.ts';
import { evaluateRun } from '../src/slo/evaluate-run.ts';
import { writeSyntheticRun } from '../tests/report/fixtures/synthetic-run-folder.ts';

export interface ReportBenchResult {
  readonly calls: number;
  /** Scenario windows (5 min) the series hold. */
  readonly windows: number;
  /** The SLO engine reading calls.jsonl and evaluating it (not part of the report target). */
  readonly evaluateSeconds: number;
  /** Every chart: spec, SVG (vega) and PNG (resvg, 2×). */
  readonly chartsSeconds: number;
  /** writeRunReport end to end: charts SVG + PNG, index.html, summary.md, verdict.json, junit.xml. */
  readonly reportSeconds: number;
  readonly charts: readonly { name: string; svgMs: number; pngMs: number; svgKb: number }[];
  readonly htmlKb: number;
  readonly peakRssMb: number;
}

/**
 * Report generation for a 50,000-call run (a scale month, with an LLM outage): a synthetic
 * calls.jsonl in a temp run folder, evaluated by the SLO engine, then every chart rendered to SVG
 * and PNG and the whole report written. Target: report ≤ 15 s.
 */
export async function benchReport(calls = 50_000): Promise<ReportBenchResult> {
  const root = mkdtempSync(join(tmpdir(), 'callstorm-report-bench-'));
  try {
    const dir = join(root, 'run');
    writeSyntheticRun({
      dir,
      runId: 'bench-scale-month',
      stage: 'scale',
      calls,
      durationMs: 30 * 86_400_000,
      outage: true,
    });
    let t = performance.now();
    const evaluation = evaluateRun(dir);
    const evaluateSeconds = (performance.now() - t) / 1000;

    t = performance.now();
    const charts: { name: string; svgMs: number; pngMs: number; svgKb: number }[] = [];
    for (const chart of runCharts(evaluation)) {
      if (isOmitted(chart)) continue;
      const t0 = performance.now();
      const svg = await renderSvg(chart.spec);
      const t1 = performance.now();
      svgToPng(svg);
      charts.push({
        name: chart.name,
        svgMs: t1 - t0,
        pngMs: performance.now() - t1,
        svgKb: svg.length / 1024,
      });
    }
    const chartsSeconds = (performance.now() - t) / 1000;

    t = performance.now();
    const report = await writeRunReport(evaluation, { outDir: join(root, 'report') });
    const reportSeconds = (performance.now() - t) / 1000;
    const { statSync } = await import('node:fs');
    return {
      calls: evaluation.calls,
      windows: evaluation.windows.length,
      evaluateSeconds,
      chartsSeconds,
      reportSeconds,
      charts,
      htmlKb: statSync(join(report.outDir, 'index.html')).size / 1024,
      peakRssMb: process.resourceUsage().maxRSS / 1024,
    };
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

if (process.argv[2] === 'child') {
  process.stdout.write(`${JSON.stringify(await benchReport(Number(process.argv[3] ?? 50_000)))}\n`);
}
