import { createHash } from 'node:crypto';
import type { ChatCompletionMessageParam, ChatCompletionTool } from 'openai/resources/chat/completions';
import type { Dispatcher } from 'undici';
import { crmOperations } from '../src/scenario/crm-operations.ts';
import type { AgentConfig, LlmEndpoint } from './agent-config.ts';
import { type AgentProfile, type LlmRound, LlmUnavailableError, type ToolOutcome } from './agent-profile.ts';
import type { CrmRequest } from './agent-tools.ts';
import { AsrClient, type Transcription } from './asr-client.ts';
import { CrmClient, type CrmResponse } from './crm-client.ts';
import {
  type DeadLetter,
  DeadLetterQueue,
  type ReplayOutcome,
  type ReplayReport,
} from './dead-letter-queue.ts';
import { toDependencyError } from './dependency-error.ts';
import { type LlmAnswer, LlmClient } from './llm-client.ts';
import { ResiliencePolicies } from './resilience-policies.ts';
import { type Speech, TtsClient } from './tts-client.ts';
import { type CallIdentity, type TurnRecorder, tracingHeaders } from './turn-recorder.ts';

/** Upper bound on streaming a reply's audio once its first byte has arrived. */
const TTS_STREAM_MS = 30_000;

/**
 * Idempotency-Key of a write: a function of the run, the call and what is written, so the same
 * write decided again (an LLM retry, a failover, a dead-letter replay) carries the same key and the
 * CRM applies it once.
 */
export function idempotencyKey(identity: CallIdentity, request: CrmRequest): string {
  const sorted = Object.fromEntries(
    Object.entries(request.body ?? {}).sort(([a], [b]) => a.localeCompare(b)),
  );
  const digest = createHash('sha256')
    .update(
      `${identity.runId}\n${identity.callId}\n${request.op}\n${request.path}\n${JSON.stringify(sorted)}`,
    )
    .digest('hex');
  return `cs-${digest.slice(0, 40)}`;
}

/** The endpoints a caller's data may go to, in order of preference. */
export function permittedEndpoints(
  endpoints: readonly LlmEndpoint[],
  callerRegion: string,
  residency: Readonly<Record<string, readonly string[]>>,
): LlmEndpoint[] {
  const allowed = residency[callerRegion] ?? [callerRegion];
  return endpoints.filter((e) => allowed.includes(e.region));
}

/**
 * What scale needs: the latency budget split into per-dependency timeouts, cockatiel retries that
 * honour Retry-After (reads, and writes that carry an Idempotency-Key), a breaker per endpoint, LLM
 * failover only to regions the caller's data may go to, and writes that cannot land parked in a
 * durable dead-letter queue that a background loop replays with the same key.
 */
export class ProductionProfile implements AgentProfile {
  readonly name = 'production' as const;
  readonly handlesLowConfidence = true;
  readonly scriptedFallback = true;
  readonly deadLetters: DeadLetterQueue;
  readonly #config: AgentConfig;
  readonly #policies: ResiliencePolicies;
  readonly #asr: AsrClient;
  readonly #tts: TtsClient;
  readonly #crm: CrmClient;
  readonly #llm: LlmClient[];
  #replayTimer: NodeJS.Timeout | undefined;
  #replaying: Promise<ReplayReport> | undefined;
  #closed = false;

  constructor(config: AgentConfig, dispatcher: Dispatcher) {
    this.#config = config;
    this.#policies = new ResiliencePolicies(config);
    this.#asr = new AsrClient({ url: config.asrUrl, model: config.asrModel, dispatcher });
    this.#tts = new TtsClient({ url: config.ttsUrl, model: config.ttsModel, dispatcher });
    this.#crm = new CrmClient({ url: config.crmUrl, dispatcher });
    this.#llm = config.llm.map(
      (e) => new LlmClient(e, { apiKey: config.llmApiKey, model: config.llmModel, maxRetries: 0 }),
    );
    this.deadLetters = new DeadLetterQueue(config.deadLetter.path);
    this.#scheduleReplay();
  }

  async transcribe(rec: TurnRecorder, audio: Uint8Array, locale: string): Promise<Transcription | null> {
    const { budget } = this.#config;
    try {
      return await this.#policies.run<Transcription>(rec, {
        dependency: 'asr',
        endpoint: this.#asr.endpoint,
        retries: 1,
        attemptTimeoutMs: () => rec.timeout(budget.asrMs, budget.reserveForTtsMs),
        status: (t) => t.status,
        fn: (signal) =>
          this.#asr.transcribe(audio, { locale, headers: tracingHeaders(rec.identity), signal }),
      });
    } catch {
      return null;
    }
  }

  async complete(
    rec: TurnRecorder,
    messages: ChatCompletionMessageParam[],
    tools: ChatCompletionTool[],
  ): Promise<LlmRound> {
    const { budget, residency } = this.#config;
    const permitted = new Set(
      permittedEndpoints(this.#config.llm, rec.identity.region, residency).map((e) => e.name),
    );
    const failures: string[] = [];
    rec.llmStarted();
    for (const [index, client] of this.#llm.entries()) {
      const endpoint = client.endpoint;
      // Residency: a caller's data never goes to a region it may not be processed in, even in failover.
      if (!permitted.has(endpoint.name)) continue;
      if (rec.remaining() < 200) break;
      try {
        const answer = await this.#policies.run<LlmAnswer>(rec, {
          dependency: 'llm',
          endpoint: endpoint.name,
          region: endpoint.region,
          operation: 'POST /v1/chat/completions',
          retries: 0,
          attemptTimeoutMs: () => rec.timeout(budget.llmRoundMs, budget.reserveForTtsMs),
          status: (a) => a.status,
          fn: async (signal) => {
            const firstToken = new AbortController();
            const timer = setTimeout(
              () => firstToken.abort(new Error('no first token in time')),
              rec.timeout(budget.llmFirstTokenMs, budget.reserveForTtsMs),
            );
            try {
              return await client.complete({
                messages,
                tools,
                headers: tracingHeaders(rec.identity),
                signal: AbortSignal.any([signal, firstToken.signal]),
                requireFinish: true,
                onFirstToken: (at) => {
                  clearTimeout(timer);
                  rec.llmFirstToken(at);
                },
              });
            } finally {
              clearTimeout(timer);
            }
          },
        });
        return { answer, tier: index === 0 ? 'primary' : 'secondary', endpoint: endpoint.name };
      } catch (error) {
        failures.push(`${endpoint.name}: ${toDependencyError(error, 'llm', endpoint.name).status}`);
      }
    }
    throw new LlmUnavailableError(
      failures.length > 0
        ? `no permitted LLM answered (${failures.join(', ')})`
        : `no LLM endpoint is permitted for region ${rec.identity.region}`,
    );
  }

  async crm(rec: TurnRecorder, request: CrmRequest): Promise<ToolOutcome> {
    const { budget } = this.#config;
    rec.toolsDeadline ??= Math.min(performance.now() + budget.toolsMs, rec.deadline - budget.reserveForTtsMs);
    const deadline = rec.toolsDeadline;
    const write = crmOperations[request.op].kind === 'write';
    const key = write ? idempotencyKey(rec.identity, request) : undefined;
    const attemptTimeoutMs = () => Math.max(50, Math.min(budget.crmRequestMs, deadline - performance.now()));
    if (write && this.#policies.isOpen(this.#crm.endpoint)) {
      rec.record({
        dependency: 'crm',
        endpoint: this.#crm.endpoint,
        operation: request.route,
        status: 'circuit-open',
        ms: 0,
        attempt: 1,
      });
      return this.#deadLetter(rec, request, key!, 'circuit open');
    }
    try {
      const response = await this.#policies.run<CrmResponse>(rec, {
        dependency: 'crm',
        endpoint: this.#crm.endpoint,
        operation: request.route,
        // Reads are idempotent; writes carry an Idempotency-Key: both are safe to repeat.
        retries: this.#config.retry.maxRetries,
        deadline,
        minAttemptMs: 50,
        attemptTimeoutMs,
        status: (r) => r.status,
        fn: (signal) =>
          this.#crm.send(request, {
            headers: tracingHeaders(rec.identity),
            signal,
            ...(key !== undefined ? { idempotencyKey: key } : {}),
          }),
      });
      return { ok: true, data: response.body, ...(write ? { landed: true } : {}) };
    } catch (error) {
      const failure = toDependencyError(error, 'crm', this.#crm.endpoint);
      if (write && (failure.transient || failure.status === 'circuit-open')) {
        return this.#deadLetter(rec, request, key!, failure.message);
      }
      return { ok: false, error: failure.message, status: failure.status };
    }
  }

  async speak(rec: TurnRecorder, text: string): Promise<Speech | null> {
    const { budget } = this.#config;
    try {
      return await this.#policies.run<Speech>(rec, {
        dependency: 'tts',
        endpoint: this.#tts.endpoint,
        retries: 1,
        minAttemptMs: 0,
        deadline: rec.deadline + budget.ttsFirstByteMs,
        attemptTimeoutMs: () => TTS_STREAM_MS,
        status: (s) => s.status,
        fn: async (signal) => {
          const started = performance.now();
          const firstByte = new AbortController();
          const timer = setTimeout(
            () => firstByte.abort(new Error('no audio in time')),
            budget.ttsFirstByteMs,
          );
          try {
            return await this.#tts.speak(text, {
              headers: tracingHeaders(rec.identity),
              signal: AbortSignal.any([signal, firstByte.signal]),
              onFirstByte: (at) => {
                clearTimeout(timer);
                rec.firstAudioByte(at, started);
              },
            });
          } finally {
            clearTimeout(timer);
          }
        },
      });
    } catch {
      return null;
    }
  }

  /** Replays pending dead letters now (one round at a time; concurrent calls share it). */
  replayDeadLetters(): Promise<ReplayReport> {
    this.#replaying ??= this.deadLetters
      .replay((letter) => this.#replayOne(letter), this.#config.deadLetter.batch)
      .finally(() => {
        this.#replaying = undefined;
      });
    return this.#replaying;
  }

  health(): Record<string, unknown> {
    return { breakers: this.#policies.states(), deadLetters: this.deadLetters.stats };
  }

  async close(): Promise<void> {
    this.#closed = true;
    clearTimeout(this.#replayTimer);
    await this.#replaying?.catch(() => undefined);
  }

  #deadLetter(rec: TurnRecorder, request: CrmRequest, key: string, reason: string): ToolOutcome {
    this.deadLetters.enqueue({
      id: key,
      runId: rec.identity.runId,
      callId: rec.identity.callId,
      op: request.op,
      request,
      enqueuedAt: new Date().toISOString(),
      reason,
      attempts: 0,
    });
    rec.writesDeadLettered++;
    return {
      ok: true,
      deadLettered: true,
      data: {
        status: 'queued',
        message:
          'The CRM did not confirm in time; the request is saved and will be applied shortly. Tell the caller a confirmation will follow.',
      },
    };
  }

  async #replayOne(letter: DeadLetter): Promise<ReplayOutcome> {
    // The breaker decides: open → no request (fails fast); half-open → this replay is the probe.
    const headers = { 'x-callstorm-run': letter.runId, 'x-callstorm-call': letter.callId };
    try {
      const response = await this.#policies.breaker(this.#crm.endpoint).execute(() =>
        this.#crm.send(letter.request, {
          headers,
          idempotencyKey: letter.id,
          signal: AbortSignal.timeout(this.#config.budget.crmRequestMs * 2),
        }),
      );
      return { kind: 'landed', replayed: response.replayed };
    } catch (error) {
      const failure = toDependencyError(error, 'crm', this.#crm.endpoint);
      return failure.transient || failure.status === 'circuit-open'
        ? { kind: 'failed', error: failure.message }
        : { kind: 'rejected', error: failure.message };
    }
  }

  /** Background replay: a bounded round every interval while letters are pending; stops on close. */
  #scheduleReplay(): void {
    const every = this.#config.deadLetter.replayIntervalMs;
    if (every <= 0 || this.#closed) return;
    this.#replayTimer = setTimeout(() => {
      const round = this.deadLetters.size > 0 ? this.replayDeadLetters() : Promise.resolve(undefined);
      round.catch(() => undefined).finally(() => this.#scheduleReplay());
    }, every);
    this.#replayTimer.unref();
  }
}
