import type { GateResult, RunEvaluation, SloResult } from '../slo/run-evaluation.ts';
import { budgetShare, count, percent, points, pounds, scenarioTime } from './format-values.ts';

/**
 * The three to five findings a report opens with: the facts that decide the verdict, in plain
 * words, each derived from the SLO engine's result (nothing is recomputed from telemetry).
 */
export interface Finding {
  /** blocker: a reason the verdict is negative; warning: a risk; info: context for the decision. */
  readonly severity: 'blocker' | 'warning' | 'info';
  readonly text: string;
}

export const MAX_FINDINGS = 5;
export const MIN_FINDINGS = 3;
/** A cohort needs this many calls (and 1 % of the run) before its gap is called a finding. */
export const MIN_COHORT_CALLS = 20;
/** A cohort this far below the run's containment is a warning, not just context. */
export const COHORT_GAP_WARNING = 0.1;

const SEVERITY_ORDER = { blocker: 0, warning: 1, info: 2 } as const;

function sloFinding(s: SloResult): string {
  const fired = s.burnRates.filter((b) => b.fired);
  const alert =
    fired.length > 0
      ? `; the ${fired[0]!.name} burn-rate alert (×${fired[0]!.threshold}) would have paged${
          fired[0]!.firstFiredAtMs === null ? '' : ` at ${scenarioTime(fired[0]!.firstFiredAtMs)}`
        }`
      : '';
  const budget = Number.isFinite(s.errorBudget.consumedShare)
    ? `${budgetShare(s.errorBudget.consumedShare)} of the error budget spent`
    : `the objective allows no bad events and ${count(s.errorBudget.consumed)} happened`;
  return `${s.displayName} missed: ${s.display.value} against ${s.display.target} (${s.indicator}); ${budget}${alert}.`;
}

/**
 * Lost and duplicate writes and residency violations block (the gates' integrity conditions).
 * Unexpected writes — misheard values landed instead of the caller's — are false containment,
 * which the outcomes and SLOs already tell; they do not block on their own.
 */
function integrityFinding(e: RunEvaluation): string | null {
  const i = e.integrity;
  const parts = [
    i.lost > 0 ? `${count(i.lost)} lost` : null,
    i.duplicate > 0 ? `${count(i.duplicate)} duplicate` : null,
  ].filter((p): p is string => p !== null);
  const writes =
    parts.length > 0 ? `${parts.join(', ')} writes of ${count(i.expectedWrites)} expected` : null;
  const residency =
    i.residencyViolations > 0
      ? `${count(i.residencyViolations)} call${i.residencyViolations === 1 ? '' : 's'} sent caller data outside the permitted region`
      : null;
  if (writes === null && residency === null) return null;
  return `Integrity: ${[writes, residency].filter((x) => x !== null).join('; ')}.`;
}

function drillFindings(e: RunEvaluation): { text: string; short: string }[] {
  const d = e.drillVerdict;
  if (d === null || d.passed) return [];
  const num = (x: number | null) => (x === null ? 'nothing to measure' : String(Number(x.toFixed(3))));
  const out: { text: string; short: string }[] = [];
  if (d.aborted !== null) {
    out.push({
      text: `Drill ${d.drill} was aborted at ${scenarioTime(d.aborted.atMs)}: ${d.aborted.reason}.`,
      short: `drill ${d.drill} aborted`,
    });
  }
  for (const x of d.expectations.filter((x) => !x.passed)) {
    out.push({
      text: `Drill ${d.drill}: "${x.name}" failed while ${x.during} was active — ${num(x.actual)} over ${count(
        x.samples,
      )} ${x.unit}, expected ${x.expected}.`,
      short: `drill "${x.name}" ${num(x.actual)} (${x.expected})`,
    });
  }
  for (const phase of [d.steadyState.before, d.steadyState.after]) {
    const bad = phase.probes.filter((p) => !p.passed);
    if (bad.length === 0) continue;
    const when = phase.phase === 'before' ? 'before the faults' : 'after recovery';
    out.push({
      text: `Drill ${d.drill}: steady state ${when} did not hold — ${bad
        .map((p) => `${p.name} ${num(p.actual)} (${p.tolerance})`)
        .join(', ')}.`,
      short: `steady state ${when} did not hold`,
    });
  }
  return out;
}

/** The cohort furthest below the run's containment, among cohorts with enough calls to say so. */
export function largestCohortGap(
  e: RunEvaluation,
): { cohort: string; calls: number; containment: number; gap: number; confidence: number | null } | null {
  const eligible = e.cohorts.filter((c) => c.calls >= Math.max(MIN_COHORT_CALLS, e.calls * 0.01));
  if (eligible.length < 2) return null;
  const worst = eligible.reduce((a, c) => (c.containment < a.containment ? c : a));
  return {
    cohort: worst.cohort,
    calls: worst.calls,
    containment: worst.containment,
    gap: worst.containment - e.containment,
    confidence: worst.meanAsrConfidence,
  };
}

function cohortFinding(e: RunEvaluation): Finding | null {
  const g = largestCohortGap(e);
  if (g === null || g.gap >= 0) return null;
  const best = e.cohorts.reduce(
    (a, c) =>
      c.meanAsrConfidence !== null && (a === null || c.meanAsrConfidence > a) ? c.meanAsrConfidence : a,
    null as number | null,
  );
  const conf =
    g.confidence === null
      ? ''
      : `; mean ASR confidence ${g.confidence.toFixed(2)}${best === null ? '' : ` (best cohort ${best.toFixed(2)})`}`;
  return {
    severity: -g.gap >= COHORT_GAP_WARNING ? 'warning' : 'info',
    text: `Largest cohort gap: ${g.cohort} callers were contained ${percent(g.containment)} of the time against ${percent(
      e.containment,
    )} overall (${points(g.gap)}, ${count(g.calls)} calls)${conf}.`,
  };
}

function costFinding(e: RunEvaluation): Finding {
  const c = e.cost;
  if (c.perResolved === null) {
    return {
      severity: 'warning',
      text: `No call was resolved, so the run spent ${pounds(c.totalCost)} without a single contained interaction (human baseline ${pounds(c.humanBaselinePerCall)} a call).`,
    };
  }
  const ratio = c.perResolved / c.humanBaselinePerCall;
  return {
    severity: ratio >= 1 ? 'warning' : 'info',
    text: `A resolved interaction cost ${pounds(c.perResolved)} against ${pounds(c.humanBaselinePerCall)} for a call handled by a person (${percent(
      ratio,
      0,
    )} of the human baseline); containment ${percent(e.containment)} over ${count(e.calls)} calls.`,
  };
}

interface Blocker {
  readonly text: string;
  /** The few words it is folded into when there are too many to list. */
  readonly short: string;
}

/** Missed SLOs, worst overspend first; zero-tolerance SLOs (budget of nothing) after the rest. */
function byOverspend(a: SloResult, b: SloResult): number {
  const fa = Number.isFinite(a.errorBudget.consumedShare);
  const fb = Number.isFinite(b.errorBudget.consumedShare);
  if (fa !== fb) return fa ? -1 : 1;
  return fa
    ? b.errorBudget.consumedShare - a.errorBudget.consumedShare
    : b.errorBudget.consumed - a.errorBudget.consumed;
}

/**
 * Everything that blocks the verdict. The most decisive of each kind comes first (validity, the
 * worst missed SLO, the first failed drill check, integrity, unmet gate conditions), then the rest.
 */
function blockers(e: RunEvaluation, gate?: GateResult): Blocker[] {
  const validity: Blocker[] = [];
  const why =
    e.inconclusive !== undefined
      ? e.inconclusive
      : e.invalid !== null
        ? `the run is invalid: ${e.invalid}`
        : null;
  if (why !== null && why !== undefined) {
    validity.push({
      text: `Inconclusive evidence — ${why}. Its figures do not show the agent under this load: the verdict cannot rest on them.`,
      short: 'the evidence cannot judge the agent',
    });
  }
  if (!e.complete && (e.inconclusive === undefined || e.inconclusive === null)) {
    validity.push({
      text: `The run did not complete${e.endReason ? ` (${e.endReason})` : ''}: the figures cover the ${count(e.calls)} calls that ended before it stopped.`,
      short: 'the run did not complete',
    });
  }
  const thin = e.slos.filter((s) => s.passed === null && s.total > 0);
  if (thin.length > 0) {
    validity.push({
      text: `Too few events to judge ${thin.map((s) => `${s.displayName} (${count(s.total)} of ${count(s.minEvents ?? 1)})`).join(', ')}: a longer window or more traffic is needed.`,
      short: `too few events for ${thin.length} SLO${thin.length === 1 ? '' : 's'}`,
    });
  }
  const failing = e.slos.filter((s) => s.passed === false).sort(byOverspend);
  const slos = failing.map((s) => ({
    text: sloFinding(s),
    short: `${s.displayName} ${s.display.value} (${s.display.target})`,
  }));
  const drill = drillFindings(e);
  const integrityText = integrityFinding(e);
  const integrity =
    integrityText === null ? [] : [{ text: integrityText, short: integrityText.replace(/\.$/, '') }];
  // Gate conditions not already told above: those about this run (a required SLO with no data,
  // …) and those about no run in particular (a required drill never run, no baseline run).
  const gateOnly: Blocker[] = [];
  if (gate !== undefined) {
    for (const r of gate.reasons.filter((r) => !r.passed)) {
      const about = r.runId;
      if (about !== null && about !== e.runId) continue;
      const told =
        (r.kind === 'slo' && failing.some((s) => s.name === r.subject)) ||
        (r.kind === 'drill' && about !== null && drill.length > 0) ||
        (r.kind === 'integrity' && integrityText !== null) ||
        (r.kind === 'run' && about !== null && validity.length > 0);
      if (!told)
        gateOnly.push({
          text: `Gate ${gate.gate}: ${r.name} — ${r.detail}.`,
          short: `${r.name}: ${r.detail.split(/[:;]/)[0]}`,
        });
    }
  }
  const groups = [validity, slos, drill, integrity, gateOnly];
  return [...groups.flatMap((g) => g.slice(0, 1)), ...groups.flatMap((g) => g.slice(1))];
}

/** Caps a list of blockers at `max`, folding the rest into one last finding. */
function fold(list: Blocker[], max: number): string[] {
  if (list.length <= max) return list.map((b) => b.text);
  const rest = list.slice(max - 1);
  return [
    ...list.slice(0, max - 1).map((b) => b.text),
    `And ${rest.length} more: ${rest.map((b) => b.short).join('; ')}.`,
  ];
}

/** Context for a run with little to report: how close the SLOs came, the drill, the human queue. */
function padding(e: RunEvaluation): Finding[] {
  const out: Finding[] = [];
  const met = e.slos.filter((s) => s.passed === true && Number.isFinite(s.errorBudget.consumedShare));
  if (met.length > 0) {
    const tightest = met.reduce((a, s) =>
      s.errorBudget.consumedShare > a.errorBudget.consumedShare ? s : a,
    );
    out.push({
      severity: 'info',
      text: `All ${met.length} measured SLO${met.length === 1 ? '' : 's'} met; the tightest, ${tightest.displayName}, measured ${tightest.display.value} against ${tightest.display.target} and spent ${budgetShare(tightest.errorBudget.consumedShare)} of its error budget.`,
    });
  }
  const d = e.drillVerdict;
  if (d?.passed) {
    out.push({
      severity: 'info',
      text: `Drill ${d.drill} passed: all ${d.expectations.length} expectations held while its faults were active, and the steady state held before and after.`,
    });
  }
  const q = e.humanQueue;
  if (q.escalated > 0) {
    out.push({
      severity: 'info',
      text: `${count(q.escalated)} calls reached the human queue; ${percent(q.serviceLevel)} were answered within 20 s (mean wait ${
        q.meanWaitMs === null ? '—' : `${(q.meanWaitMs / 1000).toFixed(1)} s`
      }, ${count(q.abandonedInQueue)} abandoned in the queue).`,
    });
  }
  return out;
}

/**
 * The findings of one run: blockers first (invalid run, missed SLOs, failed drill expectations,
 * integrity, unmet gate conditions; folded into one when there are more than four), then the
 * largest cohort gap and the cost against the human baseline; padded with context to three.
 */
export function runFindings(evaluation: RunEvaluation, gate?: GateResult): Finding[] {
  const context = [cohortFinding(evaluation), costFinding(evaluation)].filter(
    (f): f is Finding => f !== null,
  );
  const blocking = fold(blockers(evaluation, gate), MAX_FINDINGS - 1).map(
    (text): Finding => ({ severity: 'blocker', text }),
  );
  const findings = [...blocking, ...context];
  if (findings.length < MIN_FINDINGS)
    findings.push(...padding(evaluation).slice(0, MIN_FINDINGS - findings.length));
  return findings
    .sort((a, b) => SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity])
    .slice(0, MAX_FINDINGS);
}
