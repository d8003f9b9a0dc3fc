import { join, relative } from 'node:path';
import type { ReportResult } from '../../report/write-run-report.ts';

/** A path relative to the working directory when it is inside it, else absolute. */
function shortPath(path: string): string {
  const rel = relative(process.cwd(), path);
  return rel.startsWith('..') || rel === '' ? path : rel;
}

/** What `report` and `compare` print: the verdict, the findings, and where the report is. */
export function formatReportResult(result: ReportResult): string {
  const lines = [
    `${result.verdict.label}  ${result.verdict.basis}`,
    ...result.findings.map((f, i) => `  ${i + 1}. [${f.severity}] ${f.text}`),
    ...result.notes.map((n) => `note: ${n}`),
    `report: ${shortPath(join(result.outDir, 'index.html'))}`,
  ];
  const omitted = result.charts.filter((c) => c.omitted !== null);
  if (omitted.length > 0)
    lines.push(`charts not drawn: ${omitted.map((c) => `${c.name} (${c.omitted})`).join('; ')}`);
  return `${lines.join('\n')}\n`;
}
