import type { FallbackTier } from '../protocol/agent-protocol.ts';
import type { FaultLogLine } from '../run-folder/fault-log-schema.ts';
import { CALL_OUTCOMES, type CallOutcome, type CallRecord } from '../telemetry/call-record.ts';
import { percentile } from '../util/percentile.ts';
import type { RunEvaluation, WindowSummary } from './run-evaluation.ts';

/** Pure summaries of a run's calls for the report's charts. */

export function outcomeCounts(calls: readonly CallRecord[]): Record<CallOutcome, number> {
  const out = Object.fromEntries(CALL_OUTCOMES.map((o) => [o, 0])) as Record<CallOutcome, number>;
  for (const c of calls) out[c.outcome]++;
  return out;
}

/** Fault windows from faults.jsonl: each `applied` paired with the next `removed` of the same id. */
export function faultWindows(
  log: readonly Pick<FaultLogLine, 'event' | 'faultId' | 'target' | 'scenarioMs'>[],
): RunEvaluation['faults'] {
  const out: { id: string; target: string; fromMs: number; toMs: number | null }[] = [];
  for (const e of log) {
    if (e.faultId === null) continue;
    if (e.event === 'applied')
      out.push({ id: e.faultId, target: e.target ?? '', fromMs: e.scenarioMs, toMs: null });
    if (e.event === 'removed') {
      const open = out.find((w) => w.id === e.faultId && w.toMs === null);
      if (open) open.toMs = e.scenarioMs;
    }
  }
  return out;
}

/** Latency percentiles (turns by send time) and outcomes (calls by arrival) per window of `windowMs`. */
export function windowSummaries(
  calls: readonly CallRecord[],
  endMs: number,
  windowMs: number,
): WindowSummary[] {
  const n = Math.max(1, Math.ceil(endMs / windowMs));
  const v2v: number[][] = Array.from({ length: n }, () => []);
  const turns = new Array<number>(n).fill(0);
  const outcomes = Array.from({ length: n }, () => outcomeCounts([]));
  const at = (ms: number) => Math.min(n - 1, Math.max(0, Math.floor(ms / windowMs)));
  for (const c of calls) {
    outcomes[at(c.arrivalMs)]![c.outcome]++;
    for (const t of c.turns) {
      const k = at(t.sentAtMs);
      turns[k]!++;
      if (t.voiceToVoiceMs !== null) v2v[k]!.push(t.voiceToVoiceMs);
    }
  }
  return v2v.map((values, k) => ({
    startMs: k * windowMs,
    endMs: (k + 1) * windowMs,
    turns: turns[k]!,
    voiceToVoice: { p50: percentile(values, 50), p95: percentile(values, 95), p99: percentile(values, 99) },
    outcomes: outcomes[k]!,
  }));
}

export function cohortSummaries(calls: readonly CallRecord[]): RunEvaluation['cohorts'] {
  const by = new Map<string, { calls: number; resolved: number; conf: number; confN: number }>();
  for (const c of calls) {
    const s = by.get(c.cohort) ?? { calls: 0, resolved: 0, conf: 0, confN: 0 };
    s.calls++;
    if (c.outcome === 'resolved') s.resolved++;
    for (const t of c.turns) {
      const conf = t.agent?.asrConfidence;
      if (conf !== null && conf !== undefined) {
        s.conf += conf;
        s.confN++;
      }
    }
    by.set(c.cohort, s);
  }
  return [...by.entries()]
    .map(([cohort, s]) => ({
      cohort,
      calls: s.calls,
      resolved: s.resolved,
      containment: s.resolved / s.calls,
      meanAsrConfidence: s.confN === 0 ? null : s.conf / s.confN,
    }))
    .sort((a, b) => b.calls - a.calls || a.cohort.localeCompare(b.cohort));
}

export function escalationReasons(calls: readonly CallRecord[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const c of calls) if (c.escalation) out[c.escalation.reason] = (out[c.escalation.reason] ?? 0) + 1;
  return out;
}

/**
 * Per fault window: the fallback tier of every turn sent while it was active (open windows run to
 * endMs), and how many of those turns reported none (no reply, or a reply without telemetry).
 */
export function fallbackDuringFaults(
  calls: readonly CallRecord[],
  faults: RunEvaluation['faults'],
  endMs: number,
): RunEvaluation['fallbackDuringFaults'] {
  return faults.map((f) => {
    const tiers: Partial<Record<FallbackTier, number>> = {};
    let unreported = 0;
    const to = f.toMs ?? endMs;
    for (const c of calls) {
      for (const t of c.turns) {
        if (t.sentAtMs < f.fromMs || t.sentAtMs >= to) continue;
        if (t.agent) tiers[t.agent.fallbackTier] = (tiers[t.agent.fallbackTier] ?? 0) + 1;
        else unreported++;
      }
    }
    return { fault: f.id, tiers, unreported };
  });
}

function queueStats(escalated: readonly CallRecord[]) {
  const answeredWithin20s = escalated.filter((c) => c.humanQueue!.answeredWithin20s).length;
  const waits = escalated.map((c) => c.humanQueue!.waitMs);
  return {
    escalated: escalated.length,
    answeredWithin20s,
    serviceLevel: escalated.length === 0 ? null : answeredWithin20s / escalated.length,
    meanWaitMs: waits.length === 0 ? null : waits.reduce((s, x) => s + x, 0) / waits.length,
  };
}

/** The human queue: calls handed to a person, by the window in which the agent let them go. */
export function humanQueueSummary(
  calls: readonly CallRecord[],
  endMs: number,
  windowMs: number,
): RunEvaluation['humanQueue'] {
  const escalated = calls.filter((c) => c.humanQueue !== null);
  const all = queueStats(escalated);
  const n = Math.max(1, Math.ceil(endMs / windowMs));
  const buckets: CallRecord[][] = Array.from({ length: n }, () => []);
  for (const c of escalated) buckets[Math.min(n - 1, Math.floor(c.endedAtMs / windowMs))]!.push(c);
  const windows = buckets.map((inWindow, k) => {
    const s = queueStats(inWindow);
    return {
      startMs: k * windowMs,
      escalated: s.escalated,
      serviceLevel: s.serviceLevel,
      meanWaitMs: s.meanWaitMs,
    };
  });
  return {
    escalated: all.escalated,
    answered: escalated.filter((c) => c.humanQueue!.answered).length,
    answeredWithin20s: all.answeredWithin20s,
    serviceLevel: all.serviceLevel,
    meanWaitMs: all.meanWaitMs,
    abandonedInQueue: escalated.filter((c) => !c.humanQueue!.answered).length,
    windows,
  };
}
