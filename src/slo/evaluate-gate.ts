import { drillWords, integrityReasons, reason, sloReason } from './gate-reasons.ts';
import type { Gate } from './gate-schema.ts';
import type { GateReason, GateResult, GateVerdict, RunEvaluation } from './run-evaluation.ts';
import { inconclusiveBecause, type RunEnding, runEnding } from './run-evidence.ts';

/** A run folder that could not be evaluated because it fails its integrity checks. */
export interface UnreadableRun {
  readonly dir: string;
  /** What the reader found wrong, with the fix (CS_ERR_RUN_ARTEFACT's message and hint). */
  readonly problem: string;
}

/** NO-GO when a condition failed on valid evidence; else INCONCLUSIVE when one could not be judged; else GO. */
export function gateVerdict(reasons: readonly GateReason[]): GateVerdict {
  if (reasons.some((r) => r.outcome === 'failed')) return 'NO-GO';
  if (reasons.some((r) => r.outcome === 'inconclusive')) return 'INCONCLUSIVE';
  return 'GO';
}

function endingOf(e: RunEvaluation): RunEnding {
  return runEnding(e.status ?? (e.complete ? 'complete' : 'interrupted'), e.endReason ?? null);
}

/**
 * The run-level reasons of one judged run (complete, valid), and why its other reasons are not
 * evidence about the agent (null: they are). A run stopped by a drill's stop condition is evidence:
 * the agent burned its budget, so "complete" fails. Any other early end, and an invalid run, is
 * the harness's or the operator's doing: inconclusive.
 */
function runReasons(gate: Gate, e: RunEvaluation): { reasons: GateReason[]; notEvidence: string | null } {
  const reasons: GateReason[] = [];
  const ending = endingOf(e);
  const untrusted: string[] = [];
  if (gate.runs.requireComplete) {
    const detail =
      ending === 'complete'
        ? `every planned call ran (${e.calls} calls)`
        : ending === 'stopped-by-agent'
          ? `stopped early by the drill's stop condition — the agent burned its error budget (${e.endReason}); ${e.calls} calls recorded`
          : `${inconclusiveBecause({ status: e.status ?? 'interrupted', reason: e.endReason ?? null, invalid: null })}; ${e.calls} calls recorded`;
    const outcome =
      ending === 'complete' ? 'held' : ending === 'stopped-by-agent' ? 'failed' : 'inconclusive';
    if (outcome === 'inconclusive') untrusted.push('it did not finish');
    reasons.push(reason('run', `${e.runId} complete`, e.runId, 'complete', outcome, detail));
  }
  if (gate.runs.requireValid) {
    if (e.invalid !== null) untrusted.push('it is invalid');
    reasons.push(
      reason(
        'run',
        `${e.runId} valid`,
        e.runId,
        'valid',
        e.invalid === null ? 'held' : 'inconclusive',
        e.invalid === null
          ? 'the harness kept its schedule and its own health'
          : `invalid: ${e.invalid} — the evidence describes the harness, not the agent`,
      ),
    );
  }
  return { reasons, notEvidence: untrusted.length === 0 ? null : untrusted.join(' and ') };
}

/** A failed reason of a run whose evidence does not describe the agent becomes inconclusive. */
function downgrade(r: GateReason, notEvidence: string | null): GateReason {
  if (notEvidence === null || r.outcome !== 'failed') return r;
  return {
    ...r,
    outcome: 'inconclusive',
    detail: `not evidence about the agent (${notEvidence}): ${r.detail}`,
  };
}

/**
 * Judges runs against a gate: every condition becomes a reason — held, failed or inconclusive —
 * in plain words. NO-GO needs a condition failed on evidence that describes the agent; evidence
 * that cannot (an invalid or cut-short run, too few events, a run or drill missing, a folder that
 * fails its checks) makes the verdict INCONCLUSIVE; GO needs every condition held. Runs of another
 * stage are listed and not judged. Pure.
 */
export function evaluateGate(
  gate: Gate,
  evaluations: readonly RunEvaluation[],
  unreadable: readonly UnreadableRun[] = [],
): GateResult {
  const reasons: GateReason[] = [];
  const judged = evaluations.filter((e) => e.stage === gate.stage);
  for (const u of unreadable) {
    reasons.push(
      reason(
        'run',
        `${u.dir} readable`,
        null,
        'readable',
        'inconclusive',
        `the folder fails its integrity checks, so it is no evidence either way: ${u.problem}`,
      ),
    );
  }
  for (const e of evaluations) {
    if (e.stage !== gate.stage) {
      reasons.push(
        reason(
          'run',
          `${e.runId} not judged`,
          e.runId,
          'not-judged',
          'held',
          `a ${e.stage} run; this gate judges ${gate.stage} runs`,
        ),
      );
    }
  }
  if (judged.length === 0) {
    reasons.push(
      reason(
        'run',
        `${gate.stage} runs`,
        null,
        'stage',
        'inconclusive',
        `no ${gate.stage} run was given: run \`callstorm run --stage ${gate.stage}\` and pass its folder`,
      ),
    );
  }
  const notEvidence = new Map<string, string | null>();
  for (const e of judged) {
    const run = runReasons(gate, e);
    reasons.push(...run.reasons);
    notEvidence.set(e.runId, run.notEvidence);
  }
  if (gate.runs.requireBaseline && judged.length > 0) {
    const baseline = judged.filter((e) => e.drill === null);
    reasons.push(
      reason(
        'run',
        'baseline run',
        null,
        'baseline',
        baseline.length > 0 ? 'held' : 'inconclusive',
        baseline.length > 0
          ? `${baseline.length} run(s) without a drill: ${baseline.map((e) => e.runId).join(', ')}`
          : `every run had a drill: add a run without --drill to show the steady state`,
      ),
    );
  }

  const perRun: GateReason[] = [];
  for (const e of judged) {
    if (e.sloSet !== undefined && e.sloSet !== gate.slos.set) {
      perRun.push(
        reason(
          'slo',
          `SLO set of ${e.runId}`,
          e.runId,
          'slo-set',
          'inconclusive',
          `evaluated against the SLO set "${e.sloSet}", not the gate's "${gate.slos.set}": evaluate it with { slos: "${gate.slos.set}" }`,
        ),
      );
    }
  }
  const required = gate.slos.require ?? [
    ...new Set(
      judged.flatMap((e) =>
        (e.sloSet === undefined || e.sloSet === gate.slos.set ? e.slos : []).map((s) => s.name),
      ),
    ),
  ];
  for (const e of judged) for (const name of required) perRun.push(sloReason(gate, name, e));

  for (const drill of gate.drills) {
    const runs = judged.filter((e) => e.drill === drill);
    if (runs.length === 0) {
      perRun.push(
        reason(
          'drill',
          drill,
          null,
          drill,
          'inconclusive',
          `not run: run \`callstorm run --stage ${gate.stage} --drill ${drill}\` and pass its folder`,
        ),
      );
    }
    for (const e of runs) {
      const v = e.drillVerdict;
      perRun.push(
        v === null
          ? reason(
              'drill',
              `${drill} in ${e.runId}`,
              e.runId,
              drill,
              'inconclusive',
              'no verdict (drill.json missing): the run ended before the drill could be judged',
            )
          : reason(
              'drill',
              `${drill} in ${e.runId}`,
              e.runId,
              drill,
              v.passed ? 'held' : 'failed',
              drillWords(v),
            ),
      );
    }
  }

  for (const e of judged) perRun.push(...integrityReasons(gate, e));
  for (const r of perRun) reasons.push(r.runId === null ? r : downgrade(r, notEvidence.get(r.runId) ?? null));
  const verdict = gateVerdict(reasons);
  return { gate: gate.name, stage: gate.stage, verdict, go: verdict === 'GO', reasons };
}
