import type { PlannedTurn } from '../../simulators/callers/call-plan.ts';
import type { WriteTotals } from '../../simulators/dependencies/write-totals.ts';
import {
  CALL_RECORD_SCHEMA,
  type CallOutcome,
  type CallRecord,
  MAX_GREETING,
  type TurnRecord,
} from '../telemetry/call-record.ts';
import type { CallObservation } from './call-observation.ts';
import type { QueueResult } from './human-queue.ts';
import { DEFAULT_RESIDENCY_POLICY, isPermittedRegion } from './residency-policy.ts';

/** Turn kinds whose words carry the caller's intent: where a classification can be right or wrong. */
const INTENT_TURNS = new Set(['open', 'inform', 'correction']);

export interface JudgeInput {
  readonly runId: string;
  readonly observation: CallObservation;
  /** This call's writes from the CRM ledger (`WriteLedger.reconcileCall`). */
  readonly writes: WriteTotals;
  /** False when no ledger answered for the call (its writes prove nothing). Default true. */
  readonly writesReconciled?: boolean;
  /** Writes on the call's account during its lifetime that another live call could own too. */
  readonly ambiguousWrites?: number;
  /**
   * `harness` (default): resolved needs the harness's evidence — the flow's writes in the ledger,
   * or for a flow without writes the intent the LLM simulator classified (`observation.intents`).
   * `agent-reported`: the agent's telemetry decides (the k6 ingest, which has no evidence).
   */
  readonly proof?: 'harness' | 'agent-reported';
  /** Scenario ms at which the call ended. */
  readonly endedAtMs: number;
  readonly humanQueue: QueueResult | null;
  readonly faults: readonly string[];
  readonly residencyPolicy?: Readonly<Record<string, readonly string[]>>;
}

/**
 * Decides a call's outcome from ground truth. Failed and abandoned come from what the caller saw;
 * a transfer is an escalation (warranted when the plan called for one at that turn); an ending
 * is resolved only if every classified intent was right, none was unexpected, the plan did not
 * call for a transfer, and the harness holds the proof: every expected write landed exactly once
 * in the CRM ledger (a write parked in the agent's dead-letter queue has not landed), and each
 * flow without writes had its intent classified right by the LLM simulator — never the agent's
 * telemetry alone. Otherwise it is false containment, with the reasons.
 */
export function judgeCall(input: JudgeInput): CallRecord {
  const { observation: o, writes } = input;
  const { plan, ending } = o;
  const policy = input.residencyPolicy ?? DEFAULT_RESIDENCY_POLICY;
  const harness = (input.proof ?? 'harness') === 'harness';
  const turnOf = (index: number): PlannedTurn | undefined => plan.turns[index];

  // The intent classified on each turn: the harness's evidence (the LLM simulator) where it has
  // one, otherwise what the agent reported.
  const evidenceOf = (i: number): string | null => o.intents?.[i] ?? null;
  const classified = o.turns.map((t, i) => evidenceOf(i) ?? t.agent?.intent ?? null);
  const misunderstood = o.turns
    .map((t, i) => ({ t, intent: classified[i] ?? null }))
    .filter(({ t, intent }) => {
      const expected = turnOf(t.index);
      return (
        expected !== undefined &&
        INTENT_TURNS.has(expected.kind) &&
        !!intent &&
        intent !== expected.expect.intent
      );
    });
  const residencyViolation = o.turns.some(
    (t) => t.agent?.regions.some((r) => !isPermittedRegion(plan.region, r.region, policy)) ?? false,
  );
  const deferred = o.deadLetteredWrites;

  let outcome: CallOutcome;
  let escalation: CallRecord['escalation'] = null;
  let failure: CallRecord['failure'] = null;
  let abandonment: CallRecord['abandonment'] = null;
  let falseContainment: string[] | null = null;

  switch (ending.by) {
    case 'failure':
      outcome = 'failed';
      failure = { kind: ending.kind, status: ending.status, message: ending.message.slice(0, 500) };
      break;
    case 'caller-abandoned':
      outcome = 'abandoned';
      abandonment = { atTurn: ending.atTurn, waitedMs: ending.waitedMs, patienceMs: plan.patienceMs };
      break;
    case 'agent-transfer': {
      outcome = 'escalated';
      const expected = turnOf(ending.atTurn)?.expect;
      escalation = {
        reason: ending.reason,
        warranted: expected?.action === 'transfer',
        expectedReason: expected?.action === 'transfer' ? (expected.transferReason ?? null) : null,
      };
      break;
    }
    default: {
      const reasons: string[] = [];
      for (const { t, intent } of misunderstood) {
        reasons.push(`turn ${t.index}: intent ${intent}, caller wanted ${turnOf(t.index)!.expect.intent}`);
      }
      const parked = Math.min(writes.lost, deferred);
      const missing = writes.lost - parked;
      if (missing > 0) reasons.push(`${missing} expected write(s) missing`);
      if (harness && parked > 0)
        reasons.push(
          `${parked} expected write(s) parked in the agent's dead-letter queue: not landed during the call`,
        );
      if (harness)
        reasons.push(
          ...unproven(
            input,
            o.turns.map((t, i) => ({ t, evidence: evidenceOf(i) })),
          ),
        );
      if (writes.duplicate > 0) reasons.push(`${writes.duplicate} write(s) duplicated`);
      if (writes.unexpected > 0) reasons.push(`${writes.unexpected} write(s) nobody asked for`);
      if (plan.expectedEnd.action === 'transfer')
        reasons.push(`ended the call; the caller needed a person (${plan.expectedEnd.reason ?? 'transfer'})`);
      const last = plan.turns.length - 1;
      if (ending.by === 'agent-end' && ending.atTurn < last && plan.turns[last]?.kind === 'close') {
        const unsaid = plan.turns
          .slice(ending.atTurn + 1)
          .filter((t) => t.kind !== 'close' && t.kind !== 'clarify');
        if (unsaid.length > 0)
          reasons.push(`ended at turn ${ending.atTurn} with ${unsaid.length} turn(s) of the caller unheard`);
      }
      outcome = reasons.length === 0 ? 'resolved' : 'false-containment';
      falseContainment = reasons.length ? reasons : null;
    }
  }

  const callerSpeechMs = o.turns.reduce((a, t) => a + (turnOf(t.index)?.speechMs ?? 0), 0);
  const arrivalMs = plan.arrivalMs;
  return {
    schema: CALL_RECORD_SCHEMA,
    runId: input.runId,
    callId: plan.id,
    index: plan.index,
    vertical: plan.vertical,
    stage: plan.stage,
    cohort: plan.cohort,
    noise: plan.noise,
    complexity: plan.complexity,
    region: plan.region,
    flows: [...plan.flows],
    intents: [...plan.intents],
    classifiedIntents: classified,
    understood: misunderstood.length === 0,
    arrivalMs,
    arrivalAt: plan.arrivalAt,
    startLagMs: o.startLagMs,
    endedAtMs: input.endedAtMs,
    outcome,
    escalation,
    failure,
    abandonment,
    falseContainment,
    turns: [...o.turns],
    writes: { ...writes },
    residencyViolation,
    faults: [...input.faults],
    humanQueue: input.humanQueue
      ? {
          waitMs: input.humanQueue.waitMs,
          answered: input.humanQueue.answered,
          answeredWithin20s: input.humanQueue.answeredWithinTarget,
          handleMs: input.humanQueue.handleMs,
        }
      : null,
    cost: {
      durationMs: Math.max(0, input.endedAtMs - arrivalMs),
      callerSpeechMs,
      agentAudioMs: o.agentAudioMs,
      llmTokensIn: o.turns.reduce((a, t) => a + (t.agent?.tokensIn ?? 0), 0),
      llmTokensOut: o.turns.reduce((a, t) => a + (t.agent?.tokensOut ?? 0), 0),
      ttsCharacters: o.turns.reduce((a, t) => a + (t.agent?.ttsCharacters ?? 0), 0),
    },
    ...(o.wire ? { wire: o.wire } : {}),
    consentRequired: plan.consentRequired,
    ...(o.greeting !== undefined ? { greeting: o.greeting.slice(0, MAX_GREETING) } : {}),
  };
}

/**
 * What the harness cannot prove of an ending that looked resolved: writes it could not reconcile
 * or attribute, and flows without writes whose intent the LLM simulator never classified right.
 * Flows the plan ends with a transfer are judged by that instead.
 */
function unproven(
  input: JudgeInput,
  observed: readonly { readonly t: TurnRecord; readonly evidence: string | null }[],
): string[] {
  const { plan } = input.observation;
  const reasons: string[] = [];
  if (plan.expectedWrites.length > 0 && input.writesReconciled === false)
    reasons.push('writes not reconciled: no CRM ledger answered for this call');
  const ambiguous = input.ambiguousWrites ?? 0;
  if (ambiguous > 0)
    reasons.push(
      `${ambiguous} write(s) on this call's account could belong to another live call: unattributed`,
    );
  const withWrites = new Set(plan.expectedWrites.map((w) => w.flow));
  const transferred = new Set(
    plan.turns.filter((t) => t.expect.action === 'transfer').map((t) => t.expect.flow),
  );
  const flows = [...new Set(plan.turns.filter((t) => INTENT_TURNS.has(t.kind)).map((t) => t.expect.flow))];
  for (const flow of flows) {
    if (withWrites.has(flow) || transferred.has(flow)) continue;
    const heard = observed.some(({ t, evidence }) => {
      const planned = plan.turns[t.index];
      return (
        planned !== undefined &&
        planned.expect.flow === flow &&
        INTENT_TURNS.has(planned.kind) &&
        evidence === planned.expect.intent
      );
    });
    if (!heard)
      reasons.push(
        `${flow}: no evidence the caller was understood (the LLM simulator classified no turn of it right)`,
      );
  }
  return reasons;
}
