import type { GateResult, RunEvaluation } from '../slo/run-evaluation.ts';
import { gateFor } from './compare-findings.ts';
import type { DistributionShift } from './distribution-shift.ts';
import { count, percent, points, pounds } from './format-values.ts';
import {
  chartFigures,
  escapeHtml,
  findingsList,
  gateTable,
  notesSection,
  page,
  type RenderedChart,
  sloTable,
  verdictBanner,
} from './html-parts.ts';
import { reasonsSection } from './reason-tables.ts';
import { type ReportVerdict, runVerdict } from './report-verdict.ts';
import type { Finding } from './run-findings.ts';

function runsTable(ordered: readonly RunEvaluation[], gates: readonly GateResult[]): string {
  const rows = ordered
    .map((e) => {
      const v = runVerdict(e, gateFor(e, gates));
      const measured = e.slos.filter((s) => s.passed !== null);
      return `<tr><td>${escapeHtml(e.stage)}</td><td>${escapeHtml(e.runId)}</td><td>${escapeHtml(e.agent)}</td><td class="${v.outcome === 'pass' ? 'ok' : v.outcome === 'fail' ? 'bad' : 'open'}">${v.label}</td><td class="num">${measured.filter((s) => s.passed).length} / ${measured.length}</td><td class="num">${count(e.calls)}</td><td class="num">${percent(e.containment)}</td><td class="num">${pounds(e.cost.perResolved)}</td><td>${escapeHtml(e.drill ?? '—')}</td></tr>`;
    })
    .join('\n');
  return `<table class="runs"><thead><tr><th>stage</th><th>run</th><th>agent</th><th>verdict</th><th>SLOs met</th><th>calls</th><th>containment</th><th>per resolved</th><th>drill</th></tr></thead><tbody>\n${rows}\n</tbody></table>`;
}

function shiftTable(shift: DistributionShift): string {
  const rows = shift.cohorts
    .map(
      (c) =>
        `<tr${c.covered ? '' : ' class="uncovered"'}><td>${escapeHtml(c.cohort)}</td><td class="num">${percent(c.scaleShare)}</td><td class="num">${count(c.pilotCalls)}</td><td class="num">${percent(c.pilotContainment)}</td><td class="num">${percent(c.scaleContainment)}</td><td class="num">${c.gap === null ? '—' : points(c.gap)}</td><td>${c.covered ? (c.thin ? '<span class="bad">thin evidence</span>' : '') : `<span class="bad">never seen in ${escapeHtml(shift.pilotStage)}</span>`}</td></tr>`,
    )
    .join('\n');
  return `<p>${escapeHtml(shift.pilotStage)} as measured: <strong>${percent(shift.pilotAsMeasured)}</strong>; reweighted to the ${escapeHtml(shift.scaleStage)} cohort mix (over the ${percent(shift.coveredShare, 0)} of ${escapeHtml(shift.scaleStage)} calls in cohorts it covered): <strong>${percent(shift.pilotReweighted)}</strong>; ${escapeHtml(shift.scaleStage)} measured: <strong>${percent(shift.scaleMeasured)}</strong>.</p>
<table class="shift"><thead><tr><th>cohort</th><th>share of ${escapeHtml(shift.scaleStage)} calls</th><th>${escapeHtml(shift.pilotStage)} calls</th><th>${escapeHtml(shift.pilotStage)} containment</th><th>${escapeHtml(shift.scaleStage)} containment</th><th>gap</th><th></th></tr></thead><tbody>\n${rows}\n</tbody></table>`;
}

/** Each run's notes, prefixed with the run they are about. */
export function compareNotes(ordered: readonly RunEvaluation[]): string[] {
  return ordered.flatMap((e) => (e.notes ?? []).map((n) => `${e.runId}: ${n}`));
}

/** index.html of a comparison: verdict, findings, the runs, the distribution shift, charts, each run's SLOs. */
export function compareReportHtml(
  ordered: readonly RunEvaluation[],
  verdict: ReportVerdict,
  findings: readonly Finding[],
  charts: readonly RenderedChart[],
  shift: DistributionShift | null,
  gates: readonly GateResult[],
): string {
  const title = `callstorm comparison: ${[...new Set(ordered.map((e) => e.stage))].join(' → ')}`;
  const perRun = ordered
    .map((e) => {
      const gate = gateFor(e, gates);
      return `<h3>${escapeHtml(`${e.stage}: ${e.runId}`)}</h3>\n${sloTable(e.slos)}${gate === undefined ? '' : `\n${gateTable(gate)}`}${reasonsSection(e.reasons, 4)}`;
    })
    .join('\n');
  const body = `<h1>${escapeHtml(title)}</h1>
<p class="sub">${escapeHtml(`${ordered[0]?.vertical ?? ''} · ${ordered.length} runs`)}</p>
${verdictBanner(verdict)}
${findingsList(findings)}
${notesSection(compareNotes(ordered))}
<section id="runs"><h2>Runs</h2>
${runsTable(ordered, gates)}
</section>
<section id="shift"><h2>Distribution shift</h2>
${shift === null ? '<p>Needs two runs of different stages.</p>' : shiftTable(shift)}
</section>
<section id="charts"><h2>Charts</h2>
${chartFigures(charts)}
</section>
<section id="slos"><h2>SLOs of each run</h2>
${perRun}
</section>`;
  return page(title, body);
}
