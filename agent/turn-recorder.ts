import type {
  DependencyCall,
  DependencyKind,
  FallbackTier,
  TurnTelemetry,
} from '../src/protocol/agent-protocol.ts';

/** Who the dependency calls of a turn are for: propagated as headers to every dependency. */
export interface CallIdentity {
  readonly runId: string;
  readonly callId: string;
  /** Caller's residency region. */
  readonly region: string;
}

/**
 * Collects what one turn did: every dependency attempt, retries, latency components, tokens and
 * writes; and knows the turn's deadline (its latency budget). One per turn, never shared.
 */
export class TurnRecorder {
  readonly identity: CallIdentity;
  /** performance.now() when the turn request arrived (= end of the caller's speech). */
  readonly startedAt: number;
  /** performance.now() by which the reply must be under way. */
  readonly deadline: number;
  readonly calls: DependencyCall[] = [];
  transcript: string | null = null;
  asrConfidence: number | null = null;
  intent: string | null = null;
  tier: FallbackTier = 'primary';
  reprompt = false;
  asrMs = 0;
  llmFirstTokenMs: number | null = null;
  llmTotalMs = 0;
  toolsMs = 0;
  ttsFirstByteMs: number | null = null;
  voiceToVoiceMs: number | null = null;
  tokensIn = 0;
  tokensOut = 0;
  ttsCharacters = 0;
  writesAttempted = 0;
  writesLanded = 0;
  writesDeadLettered = 0;
  bargeIn: TurnTelemetry['bargeIn'];
  /** performance.now() by which the turn's tool calls must be done (set by the first tool call). */
  toolsDeadline: number | undefined;
  #llmStartedAt: number | null = null;

  constructor(identity: CallIdentity, budgetMs: number, startedAt = performance.now()) {
    this.identity = identity;
    this.startedAt = startedAt;
    this.deadline = startedAt + budgetMs;
  }

  /** Milliseconds left of the turn budget (never below `floor`). */
  remaining(floor = 0): number {
    return Math.max(floor, this.deadline - performance.now());
  }

  /** A per-dependency timeout: its share of the budget, capped by what is left of the turn. */
  timeout(shareMs: number, keepBackMs = 0, floorMs = 50): number {
    return Math.max(floorMs, Math.min(shareMs, this.deadline - keepBackMs - performance.now()));
  }

  record(call: Omit<DependencyCall, 'ms'> & { ms: number }): void {
    this.calls.push({ ...call, ms: Math.round(call.ms * 10) / 10 });
  }

  /** Times one attempt and records it whatever happens; `status` reads the result or the error. */
  async attempt<T>(
    dependency: DependencyKind,
    endpoint: string,
    attempt: number,
    fn: () => Promise<T>,
    describe: {
      status: (value: T) => number;
      failure: (error: unknown) => DependencyCall['status'];
      operation?: string;
      region?: string;
    },
  ): Promise<T> {
    const t0 = performance.now();
    const base = {
      dependency,
      endpoint,
      attempt,
      ...(describe.operation !== undefined ? { operation: describe.operation } : {}),
      ...(describe.region !== undefined ? { region: describe.region } : {}),
    };
    try {
      const value = await fn();
      this.record({ ...base, status: describe.status(value), ms: performance.now() - t0 });
      return value;
    } catch (error) {
      this.record({ ...base, status: describe.failure(error), ms: performance.now() - t0 });
      throw error;
    }
  }

  /** Marks the start of the turn's first LLM request (first-token latency counts from here). */
  llmStarted(): void {
    this.#llmStartedAt ??= performance.now();
  }

  llmFirstToken(at: number): void {
    if (this.llmFirstTokenMs === null && this.#llmStartedAt !== null)
      this.llmFirstTokenMs = at - this.#llmStartedAt;
  }

  firstAudioByte(at: number, ttsStartedAt: number): void {
    this.ttsFirstByteMs = at - ttsStartedAt;
    this.voiceToVoiceMs = at - this.startedAt;
  }

  telemetry(profile: string): TurnTelemetry {
    const round = (n: number) => Math.round(n * 10) / 10;
    const retries = this.calls.filter((c) => c.attempt > 1).length;
    return {
      profile,
      transcript: this.transcript,
      asrConfidence: this.asrConfidence,
      intent: this.intent,
      fallbackTier: this.tier,
      reprompt: this.reprompt,
      latencyMs: {
        asr: round(this.asrMs),
        llmFirstToken: this.llmFirstTokenMs === null ? null : round(this.llmFirstTokenMs),
        llmTotal: round(this.llmTotalMs),
        tools: round(this.toolsMs),
        ttsFirstByte: this.ttsFirstByteMs === null ? null : round(this.ttsFirstByteMs),
        voiceToVoice: this.voiceToVoiceMs === null ? null : round(this.voiceToVoiceMs),
        total: round(performance.now() - this.startedAt),
      },
      retries,
      dependencyCalls: this.calls,
      llm: { tokensIn: this.tokensIn, tokensOut: this.tokensOut },
      tts: { characters: this.ttsCharacters },
      writes: {
        attempted: this.writesAttempted,
        landed: this.writesLanded,
        deadLettered: this.writesDeadLettered,
      },
      ...(this.bargeIn ? { bargeIn: this.bargeIn } : {}),
    };
  }
}

/** Headers every dependency request carries: the run and call ids, for tracing and the CRM ledger. */
export function tracingHeaders(identity: CallIdentity): Record<string, string> {
  return { 'x-callstorm-run': identity.runId, 'x-callstorm-call': identity.callId };
}
