import { z } from 'zod';
import { writeTotalsSchema } from '../../simulators/dependencies/write-totals.ts';
import { FALLBACK_TIERS } from '../protocol/agent-protocol.ts';
import { wireMeasurementsSchema } from './wire-measurements.ts';

/**
 * One line of `calls.jsonl`: everything that happened to one call, appended when the call ends.
 * Schema-versioned; the SLO engine, the drill verdicts, the report and `callstorm ingest` read it.
 * Times are milliseconds of scenario time after the window start unless named `…WallMs`.
 */
export const CALL_RECORD_SCHEMA = 'callstorm.call/v1' as const;

export const CALL_OUTCOMES = ['resolved', 'false-containment', 'escalated', 'abandoned', 'failed'] as const;
export type CallOutcome = (typeof CALL_OUTCOMES)[number];

/**
 * The longest time a record may hold, in milliseconds (366 days: a run's window is at most a
 * year). Anything longer is corrupt data, not a measurement, and is refused when a run is read.
 */
export const MAX_RECORDED_MS = 366 * 86_400_000;

/** The longest greeting a call record keeps (characters); longer ones are cut. */
export const MAX_GREETING = 2000;

/** A time or duration in milliseconds: finite, ≥ 0, ≤ MAX_RECORDED_MS. */
export const recordedMs = z
  .number()
  .min(0, 'must be ≥ 0')
  .max(MAX_RECORDED_MS, `must be ≤ ${MAX_RECORDED_MS} (366 days in ms)`);
const ms = recordedMs;
const nullableMs = ms.nullable();

export const turnRecordSchema = z.strictObject({
  index: z.number().int().min(0),
  kind: z.string(),
  /** When the caller finished speaking (the turn request's intended send time), scenario ms. */
  sentAtMs: ms,
  /** Voice-to-voice as the caller experienced it: intended send → reply received, wall ms. */
  voiceToVoiceMs: nullableMs,
  /** How late the driver actually sent the turn against its intended time (wall ms). */
  sendLagMs: ms,
  /** HTTP status of the turn request, or how it failed without one. */
  status: z.union([z.number().int(), z.enum(['timeout', 'network-error', 'hung-up', 'protocol-error'])]),
  action: z.enum(['continue', 'transfer', 'end']).nullable(),
  transferReason: z.string().nullable(),
  bargeIn: z.boolean(),
  /** What the agent reported in its telemetry (null when it reported nothing). */
  agent: z
    .strictObject({
      asrConfidence: z.number().min(0).max(1).nullable(),
      intent: z.string().nullable(),
      fallbackTier: z.enum(FALLBACK_TIERS),
      reprompt: z.boolean(),
      retries: z.number().int().min(0),
      latencyMs: z.strictObject({
        asr: ms,
        llmFirstToken: nullableMs,
        llmTotal: ms,
        tools: ms,
        ttsFirstByte: nullableMs,
        voiceToVoice: nullableMs,
      }),
      regions: z.array(z.strictObject({ dependency: z.string(), endpoint: z.string(), region: z.string() })),
      tokensIn: z.number().int().min(0),
      tokensOut: z.number().int().min(0),
      ttsCharacters: z.number().int().min(0),
    })
    .nullable(),
});
export type TurnRecord = z.infer<typeof turnRecordSchema>;

export const callRecordSchema = z.strictObject({
  schema: z.literal(CALL_RECORD_SCHEMA),
  runId: z.string(),
  callId: z.string(),
  index: z.number().int().min(0),
  vertical: z.string(),
  stage: z.string(),
  cohort: z.string(),
  noise: z.string(),
  complexity: z.string(),
  region: z.string(),
  flows: z.array(z.string()),
  /** True intents, in the order the caller raised them. */
  intents: z.array(z.string()),
  /** Intents the agent classified, turn by turn (null where it reported none). */
  classifiedIntents: z.array(z.string().nullable()),
  /** Every intent the agent classified on a turn that carried one was the caller's. */
  understood: z.boolean(),
  arrivalMs: ms,
  arrivalAt: z.string(),
  /** How late the call started against its intended wall time (ms). */
  startLagMs: ms,
  /** Scenario ms when the call ended. */
  endedAtMs: ms,
  outcome: z.enum(CALL_OUTCOMES),
  /** Escalated calls: why, and whether ground truth says a person was needed. */
  escalation: z
    .strictObject({ reason: z.string(), warranted: z.boolean(), expectedReason: z.string().nullable() })
    .nullable(),
  /** Failed calls: what went wrong. */
  failure: z
    .strictObject({
      kind: z.enum(['http-error', 'timeout', 'network-error', 'protocol-error']),
      status: z.number().int().nullable(),
      message: z.string(),
    })
    .nullable(),
  /** Abandoned calls: the dead air the caller gave up on. */
  abandonment: z.strictObject({ atTurn: z.number().int().min(0), waitedMs: ms, patienceMs: ms }).nullable(),
  /** Why the call is judged false containment (wrong intent, missing or duplicate write). */
  falseContainment: z.array(z.string()).nullable(),
  turns: z.array(turnRecordSchema),
  writes: writeTotalsSchema,
  /** A caller's data went to a region not permitted for their residency. */
  residencyViolation: z.boolean(),
  /** Ids of faults active at any time during the call. */
  faults: z.array(z.string()),
  /** Escalated calls: the human queue (scenario ms). */
  humanQueue: z
    .strictObject({ waitMs: ms, answered: z.boolean(), answeredWithin20s: z.boolean(), handleMs: ms })
    .nullable(),
  /** Inputs of the cost model. */
  cost: z.strictObject({
    durationMs: ms,
    callerSpeechMs: ms,
    agentAudioMs: ms,
    llmTokensIn: z.number().int().min(0),
    llmTokensOut: z.number().int().min(0),
    ttsCharacters: z.number().int().min(0),
  }),
  /** What a streaming transport measured on the wire (absent for the HTTP agent protocol). */
  wire: wireMeasurementsSchema.optional(),
  /** The caller had to hear the recording notice before giving personal data (absent in older records). */
  consentRequired: z.boolean().optional(),
  /**
   * What the agent said when it picked up, at most MAX_GREETING characters: for the HTTP agent
   * protocol the create-call response's greeting; for a streaming agent what it asked the TTS
   * simulator to say before the caller's first turn. Absent: not known (older records, no pick-up).
   */
  greeting: z.string().max(MAX_GREETING).optional(),
});
export type CallRecord = z.infer<typeof callRecordSchema>;
