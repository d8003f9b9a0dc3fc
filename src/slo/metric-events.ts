import { FALLBACK_TIERS } from '../protocol/agent-protocol.ts';
import type { ConsentPhrases } from '../scenario/stage-schema.ts';
import { CALL_OUTCOMES, type CallRecord } from '../telemetry/call-record.ts';
import { committedCall } from '../telemetry/committed-call.ts';
import { deadAirMs, RECORDING_NOTICE, recordingNotice } from './caller-experience.ts';

/**
 * The events the `callstorm` metric source counts. Every source turns a run's call records into
 * events with a scenario time and named fields; a query selects events by their fields.
 *
 * - `calls`: one per call, at the time it ended.
 * - `turns`: one per caller turn, at its intended send time.
 * - `escalations`: one per call handed to a person, at the time it ended.
 * - `writes`: one per CRM write a call should have made (landed, lost or duplicated) and one per
 *   write nobody asked for (`unexpected`), at the time the call ended.
 */
export const SOURCES = ['calls', 'turns', 'escalations', 'writes'] as const;
export type Source = (typeof SOURCES)[number];

export type FieldValue = string | number | boolean | null;

/** `many`: a list field (a call's flows): `=` means "includes", `in` means "includes any of". */
export interface FieldSpec {
  readonly type: 'string' | 'number' | 'boolean';
  readonly nullable: boolean;
  readonly many?: boolean;
  /** The only values a string field takes (checked when a query names a value). */
  readonly values?: readonly string[];
  readonly description: string;
}

export const FLOW_CATEGORIES = ['named', 'common', 'long-tail', 'out-of-scope', 'human'] as const;

const str = (description: string, values?: readonly string[]): FieldSpec => ({
  type: 'string',
  nullable: false,
  description,
  ...(values ? { values } : {}),
});
const num = (description: string, nullable = false): FieldSpec => ({ type: 'number', nullable, description });
const bool = (description: string, nullable = false): FieldSpec => ({
  type: 'boolean',
  nullable,
  description,
});
const many = (description: string, values?: readonly string[]): FieldSpec => ({
  ...str(description, values),
  many: true,
});

/**
 * What a streaming transport measured on the wire (Twilio Media Streams; null for the HTTP agent
 * protocol): `turns where wire.voice_to_voice_ms <= 1500`, `p95 of calls.wire.dead_air_ms`.
 */
const WIRE_TURN_FIELDS = {
  'wire.voice_to_voice_ms': num('end of caller speech → first bot speech in the played-out audio, ms', true),
  'wire.barge_in_clear_ms': num(
    "caller barge-in → the bot's clear, ms (null: no barge-in or no clear)",
    true,
  ),
  'wire.audio_after_barge_in_ms': num('bot speech still played after a barge-in, ms', true),
} satisfies Record<string, FieldSpec>;
const WIRE_CALL_FIELDS = {
  'wire.greeting_latency_ms': num('stream start → first bot speech, ms', true),
  'wire.dead_air_ms': num('the longest wait for the bot in the call, ms', true),
  'wire.talk_over_ms': num('caller and bot speech overlapping, ms', true),
  'wire.frame_jitter_ms': num("p99 jitter of the bot's media frames, ms", true),
  'wire.send_jitter_ms': num("p99 jitter of the caller's own frames (the harness's health), ms", true),
} satisfies Record<string, FieldSpec>;

/** Fields every call-level event shares (calls, escalations, writes). */
const callFields = {
  outcome: str('resolved, false-containment, escalated, abandoned or failed', CALL_OUTCOMES),
  cohort: str('dialect cohort of the caller'),
  noise: str('line noise of the call'),
  complexity: str('simple, moderate or complex'),
  region: str('residency region of the caller (uk, ie, …)'),
  flow: many("the call's flows (any of them matches)"),
  category: many(
    "the call's flow categories: named, common, long-tail, out-of-scope, human",
    FLOW_CATEGORIES,
  ),
  intent: many("the caller's true intents (any of them matches)"),
  fault: many('ids of faults active at any time during the call'),
  faulted: bool('some fault was active during the call'),
} satisfies Record<string, FieldSpec>;

const queueFields = {
  queueWaitMs: num('wait in the human queue, scenario ms (null: not escalated)', true),
  answered: bool('a person answered (null: not escalated)', true),
  answeredWithin20s: bool('a person answered within 20 s (null: not escalated)', true),
  handleMs: num("the person's handle time, scenario ms (null: not escalated)", true),
} satisfies Record<string, FieldSpec>;

export const FIELDS: Readonly<Record<Source, Readonly<Record<string, FieldSpec>>>> = {
  calls: {
    ...callFields,
    durationMs: num('call duration, scenario ms'),
    turns: num('number of caller turns'),
    escalated: bool('handed to a person'),
    escalationReason: { ...str('why it was escalated (null: not escalated)'), nullable: true },
    residencyViolation: bool("the caller's data went to a region not permitted for them"),
    writesExpected: num('CRM writes the call should have made'),
    writesLost: num('expected writes that never landed'),
    writesDuplicate: num('expected writes that landed more than once'),
    writesUnexpected: num('writes nobody asked for'),
    deadAirMs: num(
      'the longest silence the caller sat through, wall ms (null: never waited on the agent)',
      true,
    ),
    recordingNotice: str(
      'the greeting carried the recording notice before any personal-data question: given, missing, after-question, not-required, unknown',
      RECORDING_NOTICE,
    ),
    ...queueFields,
    ...WIRE_CALL_FIELDS,
  },
  turns: {
    cohort: callFields.cohort,
    region: callFields.region,
    outcome: callFields.outcome,
    kind: str('kind of turn (open, intent, …)'),
    voiceToVoiceMs: num('intended send → reply received, ms (null: no reply)', true),
    replied: bool('the agent replied'),
    status: str(
      'HTTP status of the turn ("200", "503") or "timeout", "network-error", "hung-up", "protocol-error"',
    ),
    action: {
      ...str('continue, transfer or end (null: no reply)', ['continue', 'transfer', 'end']),
      nullable: true,
    },
    transferReason: { ...str('reason the agent gave for a transfer'), nullable: true },
    bargeIn: bool('the caller barged in'),
    fallbackTier: {
      ...str('which tier answered: primary, secondary, scripted, human (null: no telemetry)', FALLBACK_TIERS),
      nullable: true,
    },
    asrConfidence: num('ASR confidence the agent reported', true),
    retries: num('retries the agent reported', true),
    faulted: bool('sent while a fault was active'),
    ...WIRE_TURN_FIELDS,
  },
  escalations: {
    ...callFields,
    reason: str('the escalation reason'),
    expectedReason: { ...str('the reason ground truth expected'), nullable: true },
    warranted: bool('ground truth says a person was needed'),
    ...queueFields,
  },
  writes: {
    ...callFields,
    landed: bool('an expected write that landed exactly once'),
    lost: bool('an expected write that never landed'),
    duplicated: bool('an expected write that landed more than once'),
    unexpected: bool('a write nobody asked for'),
    committed: bool(
      'the call was ended by the agent as done (resolved or false containment) with no write nobody asked for',
    ),
  },
};

/** One event: when (scenario ms) and its fields. */
export interface MetricEvent {
  readonly atMs: number;
  readonly get: (field: string) => FieldValue | readonly string[];
  /** The call the event belongs to (for measures like cost). */
  readonly call: CallRecord;
}

/** What the events need beyond the call records. */
export interface EventContext {
  /** Flow name → category (from the run's vertical); unknown flows have no category. */
  readonly flowCategories: Readonly<Record<string, string>>;
  /** Fault windows, scenario ms (toMs null: never removed). */
  readonly faultWindows: readonly { readonly fromMs: number; readonly toMs: number | null }[];
  /** The stage's recording-notice phrases, as the run recorded them (default: the shipped ones). */
  readonly consent?: ConsentPhrases;
}

function callValue(c: CallRecord, field: string, ctx: EventContext): FieldValue | readonly string[] {
  const hq = c.humanQueue;
  switch (field) {
    case 'outcome':
      return c.outcome;
    case 'cohort':
      return c.cohort;
    case 'noise':
      return c.noise;
    case 'complexity':
      return c.complexity;
    case 'region':
      return c.region;
    case 'flow':
      return c.flows;
    case 'category':
      // Own keys only: a flow named "constructor" must not find Object.prototype's.
      return c.flows.flatMap((f) => (Object.hasOwn(ctx.flowCategories, f) ? [ctx.flowCategories[f]!] : []));
    case 'intent':
      return c.intents;
    case 'fault':
      return c.faults;
    case 'faulted':
      return c.faults.length > 0;
    case 'durationMs':
      return c.cost.durationMs;
    case 'turns':
      return c.turns.length;
    case 'escalated':
      return c.escalation !== null;
    case 'escalationReason':
    case 'reason':
      return c.escalation?.reason ?? null;
    case 'expectedReason':
      return c.escalation?.expectedReason ?? null;
    case 'warranted':
      return c.escalation?.warranted ?? null;
    case 'residencyViolation':
      return c.residencyViolation;
    case 'writesExpected':
      return c.writes.expected;
    case 'writesLost':
      return c.writes.lost;
    case 'writesDuplicate':
      return c.writes.duplicate;
    case 'writesUnexpected':
      return c.writes.unexpected;
    case 'deadAirMs':
      return deadAirMs(c);
    case 'recordingNotice':
      return recordingNotice(c, ctx.consent);
    case 'queueWaitMs':
      return hq?.waitMs ?? null;
    case 'answered':
      return hq?.answered ?? null;
    case 'answeredWithin20s':
      return hq?.answeredWithin20s ?? null;
    case 'handleMs':
      return hq?.handleMs ?? null;
    case 'wire.greeting_latency_ms':
      return c.wire?.greetingLatencyMs ?? null;
    case 'wire.dead_air_ms':
      return c.wire?.longestDeadAirMs ?? null;
    case 'wire.talk_over_ms':
      return c.wire?.talkOverMs ?? null;
    case 'wire.frame_jitter_ms':
      return c.wire?.frameJitterP99Ms ?? null;
    case 'wire.send_jitter_ms':
      return c.wire?.sendJitterP99Ms ?? null;
    default:
      return null;
  }
}

function faultedAt(ms: number, ctx: EventContext): boolean {
  return ctx.faultWindows.some((w) => ms >= w.fromMs && (w.toMs === null || ms < w.toMs));
}

/** Every event of a source, in time order. */
export function eventsOf(source: Source, calls: readonly CallRecord[], ctx: EventContext): MetricEvent[] {
  const out: MetricEvent[] = [];
  for (const c of calls) {
    const base = (field: string) => callValue(c, field, ctx);
    switch (source) {
      case 'calls':
        out.push({ atMs: c.endedAtMs, get: base, call: c });
        break;
      case 'escalations':
        if (c.escalation !== null) out.push({ atMs: c.endedAtMs, get: base, call: c });
        break;
      case 'turns':
        for (const [i, t] of c.turns.entries()) {
          const faulted = faultedAt(t.sentAtMs, ctx);
          const wire = c.wire?.turns[i];
          const get = (field: string): FieldValue | readonly string[] => {
            switch (field) {
              case 'kind':
                return t.kind;
              case 'voiceToVoiceMs':
                return t.voiceToVoiceMs;
              case 'replied':
                return t.voiceToVoiceMs !== null;
              case 'status':
                return String(t.status);
              case 'action':
                return t.action;
              case 'transferReason':
                return t.transferReason;
              case 'bargeIn':
                return t.bargeIn;
              case 'fallbackTier':
                return t.agent?.fallbackTier ?? null;
              case 'asrConfidence':
                return t.agent?.asrConfidence ?? null;
              case 'retries':
                return t.agent?.retries ?? null;
              case 'faulted':
                return faulted;
              case 'wire.voice_to_voice_ms':
                return wire?.voiceToVoiceMs ?? null;
              case 'wire.barge_in_clear_ms':
                return wire?.bargeInClearMs ?? null;
              case 'wire.audio_after_barge_in_ms':
                return wire?.audioAfterBargeInMs ?? null;
              default:
                return base(field);
            }
          };
          out.push({ atMs: t.sentAtMs, get, call: c });
        }
        break;
      case 'writes': {
        const w = c.writes;
        const committed = committedCall(c);
        const landed = Math.max(0, w.expected - w.lost - w.duplicate);
        const kinds: [string, number][] = [
          ['landed', landed],
          ['lost', w.lost],
          ['duplicated', w.duplicate],
          ['unexpected', w.unexpected],
        ];
        for (const [kind, count] of kinds) {
          for (let i = 0; i < count; i++) {
            const get = (field: string): FieldValue | readonly string[] => {
              if (field === 'committed') return committed;
              if (field === 'landed' || field === 'lost' || field === 'duplicated' || field === 'unexpected')
                return field === kind;
              return base(field);
            };
            out.push({ atMs: c.endedAtMs, get, call: c });
          }
        }
        break;
      }
    }
  }
  return out.sort((a, b) => a.atMs - b.atMs);
}
