import type { CallRecord } from '../telemetry/call-record.ts';
import type { CallReasons, ReasonCount } from './run-evaluation.ts';

/** Longest reason kept: a failure's message can quote a whole response body. */
const MAX_REASON = 160;

/**
 * A failure message without what differs from call to call (a session id in the path, long ids
 * and numbers in a quoted body), so that the same failure counts once.
 */
export function failureReason(failure: NonNullable<CallRecord['failure']>): string {
  const message = failure.message
    .replace(/\/v1\/calls\/[^/\s:]+/g, '/v1/calls/{session}')
    .replace(/\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/gi, '{id}')
    .replace(/\bcs-\d+-\d+(\.u\d+)?\b/g, '{call}')
    .replace(/\s+/g, ' ')
    .trim();
  const text = `${failure.kind}: ${message}`;
  return text.length > MAX_REASON ? `${text.slice(0, MAX_REASON - 1)}…` : text;
}

/** Where the caller gave up: before the agent picked up, or waiting for a reply to a kind of turn. */
export function abandonmentReason(c: CallRecord): string {
  const turn = c.turns.find((t) => t.status === 'hung-up') ?? c.turns.at(-1);
  if (turn === undefined) return 'waiting for the agent to pick up';
  return `waiting for a reply to ${/^[aeiou]/i.test(turn.kind) ? 'an' : 'a'} "${turn.kind}" turn`;
}

function tally(calls: readonly CallRecord[], reasonOf: (c: CallRecord) => string | null): ReasonCount[] {
  const by = new Map<string, { calls: number; exampleCallId: string; first: number }>();
  for (const c of calls) {
    const reason = reasonOf(c);
    if (reason === null) continue;
    const seen = by.get(reason);
    if (seen === undefined) by.set(reason, { calls: 1, exampleCallId: c.callId, first: c.arrivalMs });
    else {
      seen.calls++;
      if (c.arrivalMs < seen.first) {
        seen.first = c.arrivalMs;
        seen.exampleCallId = c.callId;
      }
    }
  }
  return [...by.entries()]
    .map(([reason, s]) => ({ reason, calls: s.calls, exampleCallId: s.exampleCallId }))
    .sort((a, b) => b.calls - a.calls || a.reason.localeCompare(b.reason));
}

/** Why calls failed, were abandoned and were escalated, with counts and an example call each. Pure. */
export function callReasons(calls: readonly CallRecord[]): CallReasons {
  return {
    failure: tally(calls, (c) =>
      c.outcome !== 'failed' ? null : c.failure ? failureReason(c.failure) : 'no failure recorded',
    ),
    abandonment: tally(calls, (c) => (c.outcome === 'abandoned' ? abandonmentReason(c) : null)),
    escalation: tally(calls, (c) => c.escalation?.reason ?? null),
  };
}
