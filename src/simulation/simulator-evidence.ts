import { Agent, request } from 'undici';
import { z } from 'zod';
import type { CallSightings } from '../../mocks/calls-control.ts';
import type { LlmCallEvidence } from '../../simulators/dependencies/llm-evidence-log.ts';
import { greetingOf } from '../../simulators/dependencies/speech-log.ts';
import type { SimulatorEndpoints } from '../../simulators/simulator-endpoints.ts';
import type { CallEvidence, EvidenceSource } from '../driver/call-evidence.ts';
import type { CallObservation } from '../driver/call-observation.ts';
import { CallstormError } from '../errors/callstorm-error.ts';

const count = z.number().int().min(0);
const evidenceSchema = z.object({
  callId: z.string(),
  requests: count,
  turns: z.array(
    z.object({
      turnIndex: count,
      utteranceId: z.string(),
      kind: z.string(),
      classified: z.string().nullable(),
      correct: z.boolean(),
      requests: count,
    }),
  ),
  toolCalls: z.array(
    z.object({
      name: z.string(),
      arguments: z.record(z.string(), z.string()),
      turnIndex: count,
      endpoint: z.string(),
      at: z.number(),
    }),
  ),
  droppedToolCalls: count,
  ending: z
    .union([
      z.object({ by: z.literal('transfer'), reason: z.string(), turnIndex: count }),
      z.object({ by: z.literal('end'), turnIndex: count }),
    ])
    .nullable(),
});
const sightingsSchema = z.object({
  calls: z.array(
    z.object({
      callId: z.string(),
      asr: z.object({ transcripts: count }),
      llm: z.object({ requests: count }),
      crm: z.object({ requests: count }),
    }),
  ),
  unlinked: z.object({
    llmRequests: count,
    crmRequests: z.object({ 'no-live-call': count, ambiguous: count }),
  }),
});

const spokenSchema = z.object({
  callId: z.string(),
  spoken: z.array(z.object({ text: z.string(), utteranceId: z.string().optional() })),
});

/** What the simulators saw of some calls, and what they could not link to any call. */
export type CallsSeen = z.infer<typeof sightingsSchema> & { readonly calls: readonly CallSightings[] };

/**
 * The harness's own evidence of what an agent did, from a simulator suite's control API — in
 * this process or a child, the same requests: `POST <controlUrl>/calls/evidence` (what the LLM
 * simulator classified on each turn and which tools it called) and `POST …/calls/seen` (whether
 * the ASR, LLM and CRM saw anything of a call: the wiring check).
 */
export interface SimulatorEvidence extends EvidenceSource {
  /** What the LLM simulator did for one call. */
  llmEvidence(callId: string): Promise<LlmCallEvidence>;
  /** Per call: ASR transcripts, LLM requests linked, CRM requests attributed (≤ 10,000 ids a request). */
  seen(callIds: readonly string[]): Promise<CallsSeen>;
  close(): Promise<void>;
}

export interface SimulatorEvidenceOptions {
  /** Timeout of each request (default 30 s). */
  readonly timeoutMs?: number;
}

/**
 * The evidence source of a run: for a finished call, the intent the LLM simulator classified on
 * each observed turn (null where it linked no request to the turn), and how the model ended the
 * call (`transfer_to_human` and its reason, or `end_call`), for transports that see only the agent
 * close the line. Asks the CRM host (every host of a suite answers for the whole suite). With the
 * TTS host, a call whose observation holds no greeting (a streaming agent) gets the greeting from
 * what the agent asked the TTS simulator to say before its first LLM reply (`POST <tts
 * control>/speech/call`; texts on the call's speak socket count as the call's).
 */
export function createSimulatorEvidence(
  endpoints: Pick<SimulatorEndpoints, 'crm'> & Partial<Pick<SimulatorEndpoints, 'tts'>>,
  options: SimulatorEvidenceOptions = {},
): SimulatorEvidence {
  const base = endpoints.crm.controlUrl.replace(/\/+$/, '');
  const ttsBase = endpoints.tts?.controlUrl.replace(/\/+$/, '');
  const timeout = options.timeoutMs ?? 30_000;
  const dispatcher = new Agent({ connections: 4, keepAliveTimeout: 10_000 });
  const post = async <T>(path: string, body: unknown, schema: z.ZodType<T>, at = base): Promise<T> => {
    const failure = (reason: string) =>
      new CallstormError('CS_ERR_SIMULATOR_EVIDENCE', { request: `POST ${at}/${path}`, reason });
    let status: number;
    let text: string;
    try {
      const res = await request(`${at}/${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
        dispatcher,
        headersTimeout: timeout,
        bodyTimeout: timeout,
      });
      status = res.statusCode;
      text = await res.body.text();
    } catch (error) {
      throw failure(`did not answer: ${error instanceof Error ? error.message : String(error)}`);
    }
    if (status !== 200) throw failure(`refused: ${status} ${text.slice(0, 500)}`);
    return schema.parse(JSON.parse(text));
  };
  const llmEvidence = (callId: string) => post('calls/evidence', { callId }, evidenceSchema);
  return {
    name: 'simulators',
    llmEvidence,
    seen: (callIds) => post('calls/seen', { callIds }, sightingsSchema),
    async evidenceFor(observation: CallObservation): Promise<CallEvidence> {
      const callId = observation.plan.id;
      const [e, spoken] = await Promise.all([
        llmEvidence(callId),
        ttsBase !== undefined && observation.greeting === undefined
          ? post('speech/call', { callId }, spokenSchema, ttsBase)
          : null,
      ]);
      const greeting = spoken ? greetingOf(spoken.spoken) : undefined;
      const classified = new Map(e.turns.map((t) => [t.turnIndex, t.classified]));
      const intents = observation.turns.map((t) => classified.get(t.index) ?? null);
      const ending: CallEvidence['ending'] =
        e.ending?.by === 'transfer'
          ? { by: 'agent-transfer', reason: e.ending.reason, queue: 'default' }
          : e.ending?.by === 'end'
            ? { by: 'agent-end' }
            : undefined;
      return { intents, ...(ending ? { ending } : {}), ...(greeting !== undefined ? { greeting } : {}) };
    },
    close: () => dispatcher.close().catch(() => {}),
  };
}
