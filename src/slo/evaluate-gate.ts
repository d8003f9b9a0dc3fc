import type { DrillVerdict } from '../run-folder/drill-verdict-schema.ts';
import type { Gate } from './gate-schema.ts';
import type { GateReason, GateResult, RunEvaluation, SloResult } from './run-evaluation.ts';

function fmt(x: number | null): string {
  if (x === null) return 'no data';
  return Number.isInteger(x) ? String(x) : String(Number(x.toFixed(3)));
}

function budgetWords(r: SloResult): string {
  const share = r.errorBudget.consumedShare;
  if (!Number.isFinite(share)) return `${r.errorBudget.consumed} bad of ${r.total} with no budget for any`;
  return `${Math.round(share * 100)} % of the error budget spent (${r.errorBudget.consumed} bad of ${r.total})`;
}

function sloReason(gate: Gate, name: string, e: RunEvaluation): GateReason {
  const r = e.slos.find((s) => s.name === name);
  const label = `${name} in ${e.runId}`;
  if (!r) {
    return {
      kind: 'slo',
      name: label,
      runId: e.runId,
      subject: name,
      passed: false,
      detail: `not evaluated in this run: evaluate it against the gate's SLO set "${gate.slos.set}"`,
    };
  }
  if (r.passed === null) {
    const allowed = gate.slos.allowNoData.includes(name);
    return {
      kind: 'slo',
      name: label,
      runId: e.runId,
      subject: name,
      passed: allowed,
      detail: allowed
        ? `${r.displayName}: nothing to measure in this run (allowed by the gate)`
        : `${r.displayName}: nothing to measure in this run, so it cannot be shown to hold`,
    };
  }
  const verb = r.passed ? 'meets' : 'misses';
  return {
    kind: 'slo',
    name: label,
    runId: e.runId,
    subject: name,
    passed: r.passed,
    detail: `${r.displayName}: ${r.display.value} ${verb} ${r.display.target}; ${budgetWords(r)}`,
  };
}

function drillWords(v: DrillVerdict): string {
  const parts: string[] = [];
  const failed = v.expectations.filter((x) => !x.passed);
  parts.push(
    failed.length === 0
      ? `all ${v.expectations.length} expectations held`
      : `${v.expectations.length - failed.length} of ${v.expectations.length} expectations held; failed: ${failed
          .map((x) => `"${x.name}" (${x.expected}; got ${fmt(x.actual)}${x.note ? `; ${x.note}` : ''})`)
          .join(', ')}`,
  );
  for (const phase of [v.steadyState.before, v.steadyState.after]) {
    const word = phase.phase === 'before' ? 'steady state before the faults' : 'steady state after recovery';
    const bad = phase.probes.filter((p) => !p.passed);
    parts.push(
      bad.length === 0
        ? `${word} held (${phase.calls} calls)`
        : `${word} did not hold: ${bad
            .map((p) => `${p.name} ${fmt(p.actual)}, needs ${p.tolerance}${p.note ? ` (${p.note})` : ''}`)
            .join('; ')}`,
    );
  }
  if (v.aborted) parts.push(`aborted at ${Math.round(v.aborted.atMs / 60_000)} min: ${v.aborted.reason}`);
  return parts.join('; ');
}

function integrityReasons(gate: Gate, e: RunEvaluation): GateReason[] {
  const i = e.integrity;
  // One reason per rule the gate turns on: it holds when nothing of its kind was counted.
  const rule = (subject: string, count: number, detail: string): GateReason => ({
    kind: 'integrity',
    name: `${subject.replaceAll('-', ' ')} in ${e.runId}`,
    runId: e.runId,
    subject,
    passed: count === 0,
    detail,
  });
  const out: GateReason[] = [];
  if (gate.integrity.noDuplicateWrites) {
    out.push(
      rule(
        'no-duplicate-writes',
        i.duplicate,
        `${i.duplicate} of ${i.expectedWrites} expected writes landed more than once`,
      ),
    );
  }
  if (gate.integrity.noLostWrites) {
    out.push(
      rule('no-lost-writes', i.lost, `${i.lost} writes of calls the agent ended as done never landed`),
    );
  }
  if (gate.integrity.noResidencyViolations) {
    out.push(
      rule(
        'no-residency-violations',
        i.residencyViolations,
        `${i.residencyViolations} of ${e.calls} calls sent caller data to a region not permitted for them`,
      ),
    );
  }
  return out;
}

/**
 * Judges runs against a gate: every condition becomes a reason, held or not, in plain words; GO
 * only when every reason holds. Runs of another stage are listed and not judged. Pure.
 */
export function evaluateGate(gate: Gate, evaluations: readonly RunEvaluation[]): GateResult {
  const reasons: GateReason[] = [];
  const judged = evaluations.filter((e) => e.stage === gate.stage);
  for (const e of evaluations) {
    if (e.stage !== gate.stage) {
      reasons.push({
        kind: 'run',
        name: `${e.runId} not judged`,
        runId: e.runId,
        subject: 'not-judged',
        passed: true,
        detail: `a ${e.stage} run; this gate judges ${gate.stage} runs`,
      });
    }
  }
  if (judged.length === 0) {
    reasons.push({
      kind: 'run',
      name: `${gate.stage} runs`,
      runId: null,
      subject: 'stage',
      passed: false,
      detail: `no ${gate.stage} run was given: run \`callstorm run --stage ${gate.stage}\` and pass its folder`,
    });
  }
  for (const e of judged) {
    if (gate.runs.requireComplete) {
      reasons.push({
        kind: 'run',
        name: `${e.runId} complete`,
        runId: e.runId,
        subject: 'complete',
        passed: e.complete,
        detail: e.complete
          ? `every planned call ran (${e.calls} calls)`
          : `the run did not finish (interrupted, aborted, failed or killed): ${e.calls} calls recorded`,
      });
    }
    if (gate.runs.requireValid) {
      reasons.push({
        kind: 'run',
        name: `${e.runId} valid`,
        runId: e.runId,
        subject: 'valid',
        passed: e.invalid === null,
        detail: e.invalid === null ? 'the driver kept its schedule' : `invalid: ${e.invalid}`,
      });
    }
  }
  if (gate.runs.requireBaseline && judged.length > 0) {
    const baseline = judged.filter((e) => e.drill === null);
    reasons.push({
      kind: 'run',
      name: 'baseline run',
      runId: null,
      subject: 'baseline',
      passed: baseline.length > 0,
      detail:
        baseline.length > 0
          ? `${baseline.length} run(s) without a drill: ${baseline.map((e) => e.runId).join(', ')}`
          : `every run had a drill: add a run without --drill to show the steady state`,
    });
  }

  for (const e of judged) {
    if (e.sloSet !== undefined && e.sloSet !== gate.slos.set) {
      reasons.push({
        kind: 'slo',
        name: `SLO set of ${e.runId}`,
        runId: e.runId,
        subject: 'slo-set',
        passed: false,
        detail: `evaluated against the SLO set "${e.sloSet}", not the gate's "${gate.slos.set}": evaluate it with { slos: "${gate.slos.set}" }`,
      });
    }
  }
  const required = gate.slos.require ?? [
    ...new Set(
      judged.flatMap((e) =>
        (e.sloSet === undefined || e.sloSet === gate.slos.set ? e.slos : []).map((s) => s.name),
      ),
    ),
  ];
  for (const e of judged) for (const name of required) reasons.push(sloReason(gate, name, e));

  for (const drill of gate.drills) {
    const runs = judged.filter((e) => e.drill === drill);
    if (runs.length === 0) {
      reasons.push({
        kind: 'drill',
        name: drill,
        runId: null,
        subject: drill,
        passed: false,
        detail: `not run: run \`callstorm run --stage ${gate.stage} --drill ${drill}\` and pass its folder`,
      });
    }
    for (const e of runs) {
      const v = e.drillVerdict;
      reasons.push(
        v === null
          ? {
              kind: 'drill',
              name: `${drill} in ${e.runId}`,
              runId: e.runId,
              subject: drill,
              passed: false,
              detail: 'no verdict (drill.json missing): the run ended before the drill could be judged',
            }
          : {
              kind: 'drill',
              name: `${drill} in ${e.runId}`,
              runId: e.runId,
              subject: drill,
              passed: v.passed,
              detail: drillWords(v),
            },
      );
    }
  }

  for (const e of judged) reasons.push(...integrityReasons(gate, e));
  return { gate: gate.name, stage: gate.stage, go: reasons.every((r) => r.passed), reasons };
}
