import type { CallOutcome, CallRecord, TurnRecord } from '../telemetry/call-record.ts';

/** Share of calls with one of these outcomes; null for no calls. */
export function outcomeRate(calls: readonly CallRecord[], outcomes: readonly CallOutcome[]): number | null {
  if (calls.length === 0) return null;
  return calls.filter((c) => outcomes.includes(c.outcome)).length / calls.length;
}

/** Resolved calls over all calls (DESIGN: containment = resolved / all calls). */
export function containment(calls: readonly CallRecord[]): number | null {
  return outcomeRate(calls, ['resolved']);
}

/** Voice-to-voice of every turn that got a reply. */
export function voiceToVoiceValues(calls: readonly CallRecord[]): number[] {
  const out: number[] = [];
  for (const c of calls) for (const t of c.turns) if (t.voiceToVoiceMs !== null) out.push(t.voiceToVoiceMs);
  return out;
}

/** Turns sent within [fromMs, toMs) of scenario time, across calls. */
export function turnsBetween(calls: readonly CallRecord[], fromMs: number, toMs: number): TurnRecord[] {
  const out: TurnRecord[] = [];
  for (const c of calls) for (const t of c.turns) if (t.sentAtMs >= fromMs && t.sentAtMs < toMs) out.push(t);
  return out;
}
