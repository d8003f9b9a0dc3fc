import type { GateResult, RunEvaluation } from '../slo/run-evaluation.ts';
import { budgetShare } from './format-values.ts';

/**
 * JUnit XML for CI: one testsuite per run with a testcase for its evidence, per SLO, per drill
 * expectation and per drill steady-state phase; one testsuite per gate with a testcase per reason.
 * Failures carry the numbers; what the evidence could not judge (an invalid run, too few events,
 * an inconclusive gate reason) is an `<error>`; SLOs with nothing to measure are skipped. Parsed by
 * GitHub Actions, GitLab, Jenkins.
 */

interface Case {
  readonly kind: 'slo' | 'drill' | 'gate' | 'evidence';
  readonly classname: string;
  readonly name: string;
  /** `error`: the evidence could not judge it (INCONCLUSIVE), which CI must not read as a pass. */
  readonly status: 'passed' | 'failed' | 'skipped' | 'error';
  readonly message: string;
  readonly detail: string;
}

export function escapeXml(text: string): string {
  return (
    text
      .replace(/&/g, '&amp;')
      .replace(/</g, '&lt;')
      .replace(/>/g, '&gt;')
      .replace(/"/g, '&quot;')
      .replace(/'/g, '&apos;')
      // Characters XML 1.0 forbids even escaped.
      // biome-ignore lint/suspicious/noControlCharactersInRegex: stripping them is the point
      .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g, '')
  );
}

function runCases(e: RunEvaluation): Case[] {
  const cls = `callstorm.${e.stage}.${e.runId}`;
  const evidence: Case[] =
    e.inconclusive === undefined
      ? []
      : [
          {
            kind: 'evidence',
            classname: `${cls}.evidence`,
            name: 'the run can judge the agent',
            status: e.inconclusive === null ? 'passed' : 'error',
            message: e.inconclusive ?? '',
            detail: e.inconclusive ?? '',
          },
        ];
  const slos: Case[] = e.slos.map((s) => ({
    kind: 'slo',
    classname: `${cls}.slo`,
    name: s.displayName,
    status: s.passed === null ? (s.total === 0 ? 'skipped' : 'error') : s.passed ? 'passed' : 'failed',
    message:
      s.passed === null
        ? s.total === 0
          ? 'no events to measure'
          : `too few to judge: ${s.total} of the ${s.minEvents ?? 1} needed (${s.display.value} against ${s.display.target})`
        : `${s.display.value} against ${s.display.target}; ${budgetShare(s.errorBudget.consumedShare)} of the error budget spent`,
    detail: `${s.indicator}: ${s.good} good of ${s.total}; burn-rate alerts fired: ${
      s.burnRates
        .filter((b) => b.fired)
        .map((b) => b.name)
        .join(', ') || 'none'
    }`,
  }));
  const d = e.drillVerdict;
  if (d === null) return [...evidence, ...slos];
  const dcls = `${cls}.drill.${d.drill}`;
  const expectations: Case[] = d.expectations.map((x) => ({
    kind: 'drill',
    classname: dcls,
    name: x.name,
    status: x.passed ? 'passed' : 'failed',
    message: `${x.actual === null ? 'nothing measured' : Number(x.actual.toFixed(4))} over ${x.samples} ${x.unit}, expected ${x.expected}`,
    detail: `while ${x.during} was active${x.note ? `; ${x.note}` : ''}`,
  }));
  const phases: Case[] = [d.steadyState.before, d.steadyState.after].map((p) => ({
    kind: 'drill',
    classname: dcls,
    name: `steady state ${p.phase}`,
    status: p.passed ? 'passed' : 'failed',
    message: p.probes
      .filter((x) => !x.passed)
      .map((x) => `${x.name}: ${x.actual ?? 'not measured'} (${x.tolerance})`)
      .join('; '),
    detail: `${p.calls} calls; ${p.probes.map((x) => `${x.name} ${x.actual ?? '—'} (${x.tolerance})`).join('; ')}`,
  }));
  const aborted: Case[] =
    d.aborted === null
      ? []
      : [
          {
            kind: 'drill',
            classname: dcls,
            name: 'not aborted',
            status: 'failed',
            message: `aborted by ${d.aborted.condition}: ${d.aborted.reason}`,
            detail: `at scenario ms ${d.aborted.atMs}`,
          },
        ];
  return [...evidence, ...slos, ...expectations, ...phases, ...aborted];
}

function gateCases(g: GateResult): Case[] {
  return g.reasons.map((r) => ({
    kind: 'gate',
    classname: `callstorm.gate.${g.gate}.${r.kind}`,
    name: r.name,
    status: r.outcome === 'held' ? 'passed' : r.outcome === 'failed' ? 'failed' : 'error',
    message: r.detail,
    detail: r.detail,
  }));
}

function suite(name: string, cases: readonly Case[]): string {
  const failures = cases.filter((c) => c.status === 'failed').length;
  const errors = cases.filter((c) => c.status === 'error').length;
  const skipped = cases.filter((c) => c.status === 'skipped').length;
  const body = cases
    .map((c) => {
      const open = `    <testcase classname="${escapeXml(c.classname)}" name="${escapeXml(c.name)}" time="0"`;
      if (c.status === 'passed') return `${open}/>`;
      if (c.status === 'skipped')
        return `${open}>\n      <skipped message="${escapeXml(c.message)}"/>\n    </testcase>`;
      if (c.status === 'error')
        return `${open}>\n      <error message="${escapeXml(c.message)}" type="callstorm.inconclusive">${escapeXml(c.detail)}</error>\n    </testcase>`;
      return `${open}>\n      <failure message="${escapeXml(c.message)}" type="callstorm.${c.kind}">${escapeXml(c.detail)}</failure>\n    </testcase>`;
    })
    .join('\n');
  return `  <testsuite name="${escapeXml(name)}" tests="${cases.length}" failures="${failures}" errors="${errors}" skipped="${skipped}" time="0">\n${body}\n  </testsuite>`;
}

/** junit.xml for one or more runs and the gates applied to them. */
export function junitXml(evaluations: readonly RunEvaluation[], gates: readonly GateResult[] = []): string {
  const suites = [
    ...evaluations.map((e) => ({ name: `callstorm ${e.stage} ${e.runId}`, cases: runCases(e) })),
    ...gates.map((g) => ({ name: `callstorm gate ${g.gate}`, cases: gateCases(g) })),
  ];
  const tests = suites.reduce((n, s) => n + s.cases.length, 0);
  const failures = suites.reduce((n, s) => n + s.cases.filter((c) => c.status === 'failed').length, 0);
  const skipped = suites.reduce((n, s) => n + s.cases.filter((c) => c.status === 'skipped').length, 0);
  const errors = suites.reduce((n, s) => n + s.cases.filter((c) => c.status === 'error').length, 0);
  return `<?xml version="1.0" encoding="UTF-8"?>
<testsuites name="callstorm" tests="${tests}" failures="${failures}" errors="${errors}" skipped="${skipped}" time="0">
${suites.map((s) => suite(s.name, s.cases)).join('\n')}
</testsuites>
`;
}
