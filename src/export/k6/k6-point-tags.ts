import type { CallEnding } from '../../driver/call-observation.ts';
import { turnTelemetrySchema } from '../../protocol/agent-protocol.ts';
import { describeIssues } from '../../run-folder/artefact-issues.ts';
import { agentTurnTelemetry } from '../../telemetry/agent-turn-telemetry.ts';
import type { TurnRecord } from '../../telemetry/call-record.ts';

/** What the k6 script tags its points with, back as the turns and endings of call records. */
export const num = (t: string | undefined): number => Number(t ?? 0);

/** A point's tags that do not make a call record (the file and the call are named by the caller). */
export class BadTag extends Error {}

/** The agent's telemetry (a JSON tag, protocol v1) as a turn record holds it. */
function agentOf(json: string | undefined): TurnRecord['agent'] {
  if (!json) return null;
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch {
    throw new BadTag('tag "agent" is not JSON');
  }
  const t = turnTelemetrySchema.safeParse(value);
  if (!t.success) throw new BadTag(`tag "agent": ${describeIssues(t.error.issues)}`);
  return agentTurnTelemetry(t.data);
}

export function turnOf(tags: Readonly<Record<string, string>>): TurnRecord {
  const s = tags.status ?? '';
  const status = /^\d+$/.test(s)
    ? Number(s)
    : (s as 'timeout' | 'network-error' | 'hung-up' | 'protocol-error');
  const action = tags.action;
  return {
    index: num(tags.turn),
    kind: tags.kind ?? '',
    sentAtMs: num(tags.sent_ms),
    voiceToVoiceMs: tags.v2v_ms ? Number(tags.v2v_ms) : null,
    sendLagMs: num(tags.send_lag_ms),
    status,
    action: action === 'continue' || action === 'end' || action === 'transfer' ? action : null,
    transferReason: tags.transfer_reason ? tags.transfer_reason : null,
    bargeIn: tags.barge_in === 'true',
    agent: agentOf(tags.agent),
  };
}

export function endingOf(t: Readonly<Record<string, string>>): CallEnding {
  const atTurn = num(t.at_turn);
  switch (t.by) {
    case 'agent-end':
      return { by: 'agent-end', atTurn };
    case 'agent-transfer':
      return { by: 'agent-transfer', atTurn, reason: t.reason ?? 'unspecified', queue: t.queue ?? 'default' };
    case 'caller-done':
      return { by: 'caller-done', atTurn };
    case 'caller-abandoned':
      return { by: 'caller-abandoned', atTurn, waitedMs: num(t.waited_ms) };
    default:
      return {
        by: 'failure',
        atTurn,
        kind: (t.kind as 'http-error' | 'timeout' | 'network-error' | 'protocol-error') ?? 'protocol-error',
        status: t.status ? Number(t.status) : null,
        message: t.message ?? '',
      };
  }
}
