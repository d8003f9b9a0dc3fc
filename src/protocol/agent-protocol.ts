/**
 * The callstorm HTTP agent protocol, version 1: the contract between the driver (which plays the
 * callers) and an agent under test. Shared by the reference agent (`agent/`) and the driver, so the
 * two cannot drift apart. `docs/agent-protocol.md` is the prose version of this file.
 */
import { z } from 'zod';

export const AGENT_PROTOCOL_VERSION = 1 as const;

/** Headers every request carries. */
export const RUN_HEADER = 'x-callstorm-run';
export const CALL_HEADER = 'x-callstorm-call';
/** The agent answers every response with the protocol version it speaks. */
export const PROTOCOL_HEADER = 'x-callstorm-protocol';

export const CALLS_PATH = '/v1/calls';

/**
 * The largest response body the driver reads from an agent (1 MiB): a bigger one fails the call
 * (`protocol-error`) as soon as it passes the cap, without being buffered whole.
 */
export const MAX_RESPONSE_BYTES = 1024 * 1024;

/**
 * The longest greeting or reply a caller listens to (2 minutes of audio): a larger declared
 * `greetingAudioMs` or `reply.audioMs` counts as this much. A real caller would have spoken over
 * it or hung up long before, and an uncapped declaration (`greetingAudioMs: 3600000000`) would
 * hold every caller for weeks of scenario time.
 */
export const MAX_DECLARED_AUDIO_MS = 120_000;
export const turnsPath = (sessionId: string): string => `/v1/calls/${encodeURIComponent(sessionId)}/turns`;
export const callPath = (sessionId: string): string => `/v1/calls/${encodeURIComponent(sessionId)}`;

const id = z.string().min(1).max(200);
const msInt = z.number().int().min(0);
const ms = z.number().min(0);

// ─── POST /v1/calls ──────────────────────────────────────────────────────────

export const createCallRequestSchema = z.strictObject({
  /** The harness's id of the call (`x-callstorm-call` carries the same value). */
  callId: id,
  /** Caller's number, E.164 or national (`07…`). */
  from: z.string().min(3).max(32),
  /** Number dialled. */
  to: z.string().min(3).max(32),
  /** BCP 47, e.g. `en-GB`. */
  locale: z.string().min(2).max(35),
  /** Data-residency region of the caller (`uk`, `ie`, `eu`, `us`): where their data may be processed. */
  region: z.string().min(2).max(16),
  /** True when the caller must hear the recording / consent notice before giving personal data. */
  consentRequired: z.boolean(),
});
export type CreateCallRequest = z.infer<typeof createCallRequestSchema>;

export const createCallResponseSchema = z.strictObject({
  sessionId: id,
  /** What the agent says when it picks up (includes the recording notice when consent is required). */
  greeting: z.string().min(1),
  /** Duration of the greeting audio, when the agent knows it (ms). */
  greetingAudioMs: msInt.optional(),
});
export type CreateCallResponse = z.infer<typeof createCallResponseSchema>;

// ─── POST /v1/calls/{sessionId}/turns ───────────────────────────────────────

export const utteranceSchema = z.strictObject({
  /** `<callId>.u<n>`: also carried inside the audio. */
  id,
  /** Base64 of μ-law 8 kHz mono audio of the utterance's real duration (8 bytes per ms). */
  audio: z
    .string()
    .min(4)
    .regex(/^[A-Za-z0-9+/]+={0,2}$/, 'must be base64'),
  /** Duration of the speech in ms. */
  speechMs: msInt,
});
export type Utterance = z.infer<typeof utteranceSchema>;

export const turnRequestSchema = z.strictObject({
  /** Turn number in the call, from 0; strictly increasing within a session. */
  turn: z.number().int().min(0),
  utterance: utteranceSchema,
  /** The caller started speaking `atMs` into the agent's previous reply (interrupting it). */
  bargeIn: z.strictObject({ atMs: msInt }).optional(),
});
export type TurnRequest = z.infer<typeof turnRequestSchema>;

export const AGENT_ACTIONS = ['continue', 'transfer', 'end'] as const;
export type AgentTurnAction = (typeof AGENT_ACTIONS)[number];

export const FALLBACK_TIERS = ['primary', 'secondary', 'scripted', 'human'] as const;
export type FallbackTier = (typeof FALLBACK_TIERS)[number];

export const DEPENDENCIES = ['asr', 'llm', 'tts', 'crm'] as const;
export type DependencyKind = (typeof DEPENDENCIES)[number];

/** Outcome of a dependency call without an HTTP status. */
export const CALL_FAILURES = ['timeout', 'network-error', 'circuit-open', 'incomplete', 'skipped'] as const;

export const dependencyCallSchema = z.strictObject({
  dependency: z.enum(DEPENDENCIES),
  /** Named endpoint, e.g. `llm-primary-eu`, `crm`. */
  endpoint: z.string().min(1),
  /** Region the request was processed in (LLM endpoints), when known. */
  region: z.string().optional(),
  /** What was called, e.g. `POST /v1/accounts/{accountId}/promises-to-pay` or a tool name. */
  operation: z.string().optional(),
  /** HTTP status, or how the call failed without one. */
  status: z.union([z.number().int().min(100).max(599), z.enum(CALL_FAILURES)]),
  /** Wall time of this attempt. */
  ms,
  /** 1 for the first attempt, 2 for the first retry, … */
  attempt: z.number().int().min(1),
});
export type DependencyCall = z.infer<typeof dependencyCallSchema>;

export const latencySchema = z.strictObject({
  /** ASR request to response (all attempts). */
  asr: ms,
  /** From the first LLM request of the turn to its first streamed token (null: no LLM answered). */
  llmFirstToken: ms.nullable(),
  /** Every LLM round of the turn, request to last token. */
  llmTotal: ms,
  /** CRM tool execution, all tool calls of the turn. */
  tools: ms,
  /** TTS request to first audio byte (null: no audio). */
  ttsFirstByte: ms.nullable(),
  /** From the end of the caller's speech (the turn request arriving) to the first reply audio byte. */
  voiceToVoice: ms.nullable(),
  /** Turn request received to response sent. */
  total: ms,
});

export const turnTelemetrySchema = z.strictObject({
  /** Profile of the agent that answered (`pilot`, `production`, or an agent's own name). */
  profile: z.string(),
  /** What the ASR heard and how sure it was (null when the ASR gave no answer). */
  transcript: z.string().nullable(),
  asrConfidence: z.number().min(0).max(1).nullable(),
  /** The intent the agent classified this turn as (null: none recorded this turn). */
  intent: z.string().nullable(),
  /** Which tier produced the reply. */
  fallbackTier: z.enum(FALLBACK_TIERS),
  /** True when the agent asked the caller to repeat (low confidence or no transcript). */
  reprompt: z.boolean(),
  latencyMs: latencySchema,
  /** Retries across every dependency this turn (attempts beyond the first). */
  retries: z.number().int().min(0),
  dependencyCalls: z.array(dependencyCallSchema),
  llm: z.strictObject({ tokensIn: z.number().int().min(0), tokensOut: z.number().int().min(0) }),
  tts: z.strictObject({ characters: z.number().int().min(0) }),
  writes: z.strictObject({
    /** CRM writes the agent decided to make this turn. */
    attempted: z.number().int().min(0),
    /** Writes the CRM confirmed (201, or an idempotent replay of one). */
    landed: z.number().int().min(0),
    /** Writes parked in the dead-letter queue for later replay. */
    deadLettered: z.number().int().min(0),
  }),
  /** Set when this turn interrupted the previous reply. */
  bargeIn: z
    .strictObject({ atMs: msInt, previousReplyMs: msInt, heardChars: z.number().int().min(0) })
    .optional(),
});
export type TurnTelemetry = z.infer<typeof turnTelemetrySchema>;

export const turnResponseSchema = z
  .strictObject({
    reply: z.strictObject({
      text: z.string(),
      /** Duration of the reply audio in ms (what the caller will hear unless they interrupt). */
      audioMs: msInt,
    }),
    action: z.enum(AGENT_ACTIONS),
    transfer: z.strictObject({ queue: z.string().min(1), reason: z.string().min(1) }).optional(),
    telemetry: turnTelemetrySchema.optional(),
  })
  .superRefine((value, ctx) => {
    if (value.action === 'transfer' && !value.transfer) {
      ctx.addIssue({ code: 'custom', path: ['transfer'], message: 'a transfer must carry {queue, reason}' });
    }
    if (value.action !== 'transfer' && value.transfer) {
      ctx.addIssue({
        code: 'custom',
        path: ['transfer'],
        message: 'only action "transfer" carries transfer',
      });
    }
  });
export type TurnResponse = z.infer<typeof turnResponseSchema>;

// ─── Errors ─────────────────────────────────────────────────────────────────

/** Error codes of the protocol and the status each is answered with. */
export const PROTOCOL_ERRORS = {
  bad_request: 400,
  missing_header: 400,
  call_mismatch: 400,
  session_not_found: 404,
  route_not_found: 404,
  session_ended: 409,
  turn_in_progress: 409,
  turn_out_of_order: 409,
  agent_failed: 500,
  dependency_failed: 502,
  shutting_down: 503,
  dependency_timeout: 504,
} as const;
export type ProtocolErrorCode = keyof typeof PROTOCOL_ERRORS;

export const errorBodySchema = z.strictObject({
  error: z.strictObject({
    code: z.enum(Object.keys(PROTOCOL_ERRORS) as [ProtocolErrorCode, ...ProtocolErrorCode[]]),
    message: z.string(),
    /** For bad_request: the field paths at fault. */
    issues: z.array(z.strictObject({ path: z.string(), message: z.string() })).optional(),
    /** Which dependency failed (dependency_failed / dependency_timeout). */
    dependency: z.string().optional(),
  }),
});
export type ErrorBody = z.infer<typeof errorBodySchema>;

export function errorBody(
  code: ProtocolErrorCode,
  message: string,
  extra: Omit<ErrorBody['error'], 'code' | 'message'> = {},
): ErrorBody {
  return { error: { code, message, ...extra } };
}

/** Zod issues as `{path, message}` with dotted paths (`utterance.audio`). */
export function describeIssues(error: z.ZodError): { path: string; message: string }[] {
  return error.issues.map((issue) => ({
    path: issue.path.map(String).join('.') || '(body)',
    message: issue.message,
  }));
}
