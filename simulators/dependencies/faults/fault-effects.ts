/**
 * The contract between faults and simulator behaviour. A simulator asks the active faults what
 * they do to one request (`FaultSet.effectsFor(ctx)`, see fault-set.ts) and gets one of these back:
 * the sum of every active fault that targets the request. Behaviour code reads it; fault modules
 * write it. Neither knows about the other's internals.
 */
export type SimulatorKind = 'llm' | 'asr' | 'tts' | 'crm' | 'twilio';

/** What the framework knows about a request when it asks the faults. */
export interface RequestContext {
  readonly simulator: SimulatorKind;
  /** Named endpoint, e.g. `llm-primary-eu`, `asr`, `crm`. */
  readonly endpoint: string;
  readonly method: string;
  readonly path: string;
  /** Dialect cohort of the caller whose request this is, when the simulator knows it. */
  readonly cohort?: string;
  readonly callId?: string;
}

export interface FaultEffects {
  /** Answer with this error instead of the real response. */
  reject?: { status: number; retryAfterSeconds?: number; message: string };
  /** Emulated network failure for runs without Toxiproxy: refuse (reset the socket) or hang. */
  network?: 'refuse' | 'hang';
  /** Extra latency before the response starts. */
  addedLatencyMs: number;
  llm: {
    /** Extra delay before the first token. */
    firstTokenDelayMs: number;
    /** Stop a streamed answer after this many characters without finish_reason. */
    truncateAfterChars?: number;
    /** Added probability that the intent is classified wrong. */
    wrongIntentRate: number;
  };
  asr: {
    /** Force per-utterance confidence towards this mean (confidence collapse). */
    confidenceMean?: number;
    /** Probability the ASR request fails outright with a 5xx. */
    errorRate: number;
  };
  /** Live streams (the ASR's `GET /v1/listen` and the TTS's `/v1/speak` WebSockets). */
  stream: {
    /** Answer the WebSocket upgrade with this HTTP status instead of accepting it. */
    refuseStatus?: number;
    /** Accept the stream, then send nothing at all (no results, no close). */
    silent: boolean;
    /** Close the stream with 1011 once this much audio (ms) of the current segment has passed. */
    dropAfterMs?: number;
    /** Extra delay before each final result. */
    finalDelayMs: number;
  };
}

export function noEffects(): FaultEffects {
  return {
    addedLatencyMs: 0,
    llm: { firstTokenDelayMs: 0, wrongIntentRate: 0 },
    asr: { errorRate: 0 },
    stream: { silent: false, finalDelayMs: 0 },
  };
}
