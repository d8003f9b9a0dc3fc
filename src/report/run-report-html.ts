import type { GateResult, RunEvaluation } from '../slo/run-evaluation.ts';
import { CALL_OUTCOMES } from '../telemetry/call-record.ts';
import { count, milliseconds, percent, pounds } from './format-values.ts';
import { harnessWords, loadWords } from './harness-words.ts';
import {
  chartFigures,
  drillSection,
  escapeHtml,
  facts,
  findingsList,
  gateTable,
  notesSection,
  page,
  type RenderedChart,
  sloTable,
  verdictBanner,
} from './html-parts.ts';
import { reasonsSection } from './reason-tables.ts';
import type { ReportVerdict } from './report-verdict.ts';
import type { Finding } from './run-findings.ts';
import { wireTable } from './wire-table.ts';

/** The facts block of a run: what was run, how, and the totals the charts break down. */
export function runFacts(e: RunEvaluation): [string, string][] {
  const q = e.humanQueue;
  const i = e.integrity;
  return [
    ['run', e.runId],
    ['vertical / stage / agent', `${e.vertical} / ${e.stage} / ${e.agent}`],
    ['drill', e.drill ?? 'none'],
    ['window', `${e.window.spec}: ${e.window.start} → ${e.window.end}`],
    ['speed / seed', `×${e.window.speed} / ${e.window.seed}`],
    [
      'complete',
      e.complete
        ? 'yes'
        : `no (${e.status ?? 'the run stopped early'}${e.endReason ? `: ${e.endReason}` : ''})`,
    ],
    ['valid', e.invalid === null ? 'yes' : `no: ${e.invalid}`],
    ['evidence', e.inconclusive ? `cannot judge the agent: ${e.inconclusive}` : 'describes the agent'],
    ['load', loadWords(e.load)],
    ['harness health', harnessWords(e.harness)],
    ['network faults', e.networkMode],
    ['calls', count(e.calls)],
    ['outcomes', CALL_OUTCOMES.map((o) => `${o} ${count(e.outcomes[o])}`).join(', ')],
    ['containment', percent(e.containment)],
    [
      'cost',
      `${pounds(e.cost.totalCost)} in total, ${pounds(e.cost.perResolved)} per resolved interaction, human baseline ${pounds(e.cost.humanBaselinePerCall)} a call`,
    ],
    [
      'human queue',
      `${count(q.escalated)} escalated, ${count(q.answered)} answered, ${percent(q.serviceLevel)} within 20 s, mean wait ${milliseconds(q.meanWaitMs)}, ${count(q.abandonedInQueue)} abandoned in queue`,
    ],
    [
      'writes',
      `${count(i.expectedWrites)} expected: ${count(i.lost)} lost, ${count(i.duplicate)} duplicate, ${count(i.unexpected)} unexpected`,
    ],
    ['residency violations', count(i.residencyViolations)],
    ['faults', e.faults.length === 0 ? 'none' : e.faults.map((f) => `${f.id} → ${f.target}`).join(', ')],
  ];
}

/** index.html of a run report: verdict, findings, SLO table, drill, gate, charts, run facts. */
export function runReportHtml(
  e: RunEvaluation,
  verdict: ReportVerdict,
  findings: readonly Finding[],
  charts: readonly RenderedChart[],
  gate?: GateResult,
): string {
  const title = `callstorm report: ${e.runId}`;
  const body = `<h1>${escapeHtml(title)}</h1>
<p class="sub">${escapeHtml(`${e.vertical} · ${e.stage} stage · ${e.agent} agent · ${e.window.spec} window · ${count(e.calls)} calls${e.drill === null ? '' : ` · drill ${e.drill}`}`)}</p>
${verdictBanner(verdict)}
${findingsList(findings)}
${reasonsSection(e.reasons)}
${notesSection(e.notes ?? [])}
<section id="slos"><h2>SLOs</h2>
${sloTable(e.slos)}
</section>
<section id="drill"><h2>Drill verdict</h2>
${drillSection(e.drillVerdict)}
</section>
${gate === undefined ? '' : `<section id="gate"><h2>Gate</h2>\n${gateTable(gate)}\n</section>`}
${e.wire === undefined ? '' : `<section id="wire"><h2>On the wire</h2>\n${wireTable(e.wire)}\n</section>`}
<section id="charts"><h2>Charts</h2>
${chartFigures(charts)}
</section>
<section id="facts"><h2>Run facts</h2>
${facts(runFacts(e))}
</section>`;
  return page(title, body);
}
