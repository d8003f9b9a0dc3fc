import type { RunEvaluation, SloResult } from '../slo/run-evaluation.ts';
import { compareNotes } from './compare-report-html.ts';
import { budgetShare, count, percent, pounds } from './format-values.ts';
import { harnessWords, loadWords } from './harness-words.ts';
import { sloStatusWords } from './html-parts.ts';
import { reasonsMarkdown } from './reason-tables.ts';
import type { ReportVerdict } from './report-verdict.ts';
import type { Finding } from './run-findings.ts';

/** Text from run data shown as Markdown: no markup, no HTML, one line. */
export const plain = (text: string) =>
  text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/([\\`*_[\]|#])/g, '\\$1')
    .replace(/\s*\n\s*/g, ' ');

/** Markdown table cells must not break the row. */
const cell = (text: string) => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');

export function sloMarkdownTable(slos: readonly SloResult[]): string {
  if (slos.length === 0) return '_No SLOs were evaluated._\n';
  const rows = slos.map(
    (s) =>
      `| ${cell(s.displayName)} | ${cell(s.display.value)} | ${cell(s.display.target)} | ${
        s.passed === null ? sloStatusWords(s) : s.passed ? '✅ met' : '❌ missed'
      } | ${budgetShare(s.errorBudget.consumedShare)} | ${
        s.burnRates
          .filter((b) => b.fired)
          .map((b) => b.name)
          .join(', ') || '—'
      } |`,
  );
  return [
    '| SLO | measured | target | status | error budget spent | burn alerts fired |',
    '|---|---:|---:|---|---:|---|',
    ...rows,
    '',
  ].join('\n');
}

const VERDICT_MARK = { pass: '✅', fail: '❌', inconclusive: '❔' } as const;

function head(
  title: string,
  verdict: ReportVerdict,
  findings: readonly Finding[],
  notes: readonly string[],
): string {
  return [
    `# ${title}`,
    '',
    `## ${VERDICT_MARK[verdict.outcome]} ${verdict.label}`,
    '',
    verdict.basis,
    '',
    ...findings.map((f, i) => `${i + 1}. **${f.severity}** — ${f.text}`),
    '',
    ...(notes.length === 0 ? [] : ['Notes on the evidence:', '', ...notes.map((n) => `- ${plain(n)}`), '']),
  ].join('\n');
}

/** summary.md of a run: the verdict, the findings, and the SLO table. */
export function runSummaryMarkdown(
  e: RunEvaluation,
  verdict: ReportVerdict,
  findings: readonly Finding[],
): string {
  return [
    head(`callstorm report: ${e.runId}`, verdict, findings, e.notes ?? []),
    `${e.vertical} · ${e.stage} stage · ${e.agent} agent · ${e.window.spec} window · ${count(e.calls)} calls · containment ${percent(e.containment)} · ${pounds(e.cost.perResolved)} per resolved interaction${e.drill === null ? '' : ` · drill ${e.drill} ${e.drillVerdict?.passed ? 'passed' : 'failed'}`}`,
    '',
    '',
    `Load: ${plain(loadWords(e.load))}.`,
    '',
    `Harness: ${plain(harnessWords(e.harness))}.`,
    '',
    ...(e.inconclusive ? [`Evidence: cannot judge the agent — ${plain(e.inconclusive)}.`, ''] : []),
    reasonsMarkdown(e.reasons, plain),
    '## SLOs',
    '',
    sloMarkdownTable(e.slos),
    'Full report: `index.html` (charts in `charts/`).',
    '',
  ].join('\n');
}

/** summary.md of a comparison: the verdict, the findings, and each run's SLO table. */
export function compareSummaryMarkdown(
  ordered: readonly RunEvaluation[],
  verdict: ReportVerdict,
  findings: readonly Finding[],
): string {
  return [
    head(
      `callstorm comparison: ${[...new Set(ordered.map((e) => e.stage))].join(' → ')}`,
      verdict,
      findings,
      compareNotes(ordered),
    ),
    ...ordered.flatMap((e) => [
      `## ${e.stage}: ${e.runId}`,
      '',
      `${e.agent} agent · ${count(e.calls)} calls · containment ${percent(e.containment)} · ${pounds(e.cost.perResolved)} per resolved interaction`,
      '',
      ...(e.inconclusive ? [`Evidence: cannot judge the agent — ${plain(e.inconclusive)}.`, ''] : []),
      reasonsMarkdown(e.reasons, plain, 3),
      sloMarkdownTable(e.slos),
    ]),
    'Full report: `index.html` (charts in `charts/`).',
    '',
  ].join('\n');
}
