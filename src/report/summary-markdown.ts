import type { RunEvaluation, SloResult } from '../slo/run-evaluation.ts';
import { compareNotes } from './compare-report-html.ts';
import { budgetShare, count, percent, pounds } from './format-values.ts';
import { harnessWords, loadWords } from './harness-words.ts';
import { sloStatusWords } from './html-parts.ts';
import { escapeMarkdown as md } from './markdown-escape.ts';
import { reasonsMarkdown } from './reason-tables.ts';
import type { ReportVerdict } from './report-verdict.ts';
import type { Finding } from './run-findings.ts';

export function sloMarkdownTable(slos: readonly SloResult[]): string {
  if (slos.length === 0) return '_No SLOs were evaluated._\n';
  const rows = slos.map(
    (s) =>
      `| ${md(s.displayName)} | ${md(s.display.value)} | ${md(s.display.target)} | ${
        s.passed === null ? sloStatusWords(s) : s.passed ? '✅ met' : '❌ missed'
      } | ${budgetShare(s.errorBudget.consumedShare)} | ${
        s.burnRates
          .filter((b) => b.fired)
          .map((b) => md(b.name))
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
    `# ${md(title)}`,
    '',
    `## ${VERDICT_MARK[verdict.outcome]} ${md(verdict.label)}`,
    '',
    md(verdict.basis),
    '',
    ...findings.map((f, i) => `${i + 1}. **${f.severity}** — ${md(f.text)}`),
    '',
    ...(notes.length === 0 ? [] : ['Notes on the evidence:', '', ...notes.map((n) => `- ${md(n)}`), '']),
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
    md(
      `${e.vertical} · ${e.stage} stage · ${e.agent} agent · ${e.window.spec} window · ${count(e.calls)} calls · containment ${percent(e.containment)} · ${pounds(e.cost.perResolved)} per resolved interaction${e.drill === null ? '' : ` · drill ${e.drill} ${e.drillVerdict?.passed ? 'passed' : 'failed'}`}`,
    ),
    '',
    '',
    `Load: ${md(loadWords(e.load))}.`,
    '',
    `Harness: ${md(harnessWords(e.harness))}.`,
    '',
    ...(e.inconclusive ? [`Evidence: cannot judge the agent — ${md(e.inconclusive)}.`, ''] : []),
    reasonsMarkdown(e.reasons, md),
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
      `## ${md(`${e.stage}: ${e.runId}`)}`,
      '',
      md(
        `${e.agent} agent · ${count(e.calls)} calls · containment ${percent(e.containment)} · ${pounds(e.cost.perResolved)} per resolved interaction`,
      ),
      '',
      ...(e.inconclusive ? [`Evidence: cannot judge the agent — ${md(e.inconclusive)}.`, ''] : []),
      reasonsMarkdown(e.reasons, md, 3),
      sloMarkdownTable(e.slos),
    ]),
    'Full report: `index.html` (charts in `charts/`).',
    '',
  ].join('\n');
}
