import type { ChatCompletionMessageParam, ChatCompletionTool } from 'openai/resources/chat/completions';
import type { Dispatcher } from 'undici';
import { crmOperations } from '../src/scenario/crm-operations.ts';
import type { AgentConfig } from './agent-config.ts';
import type { AgentProfile, LlmRound, ToolOutcome } from './agent-profile.ts';
import type { CrmRequest } from './agent-tools.ts';
import { AsrClient, type Transcription } from './asr-client.ts';
import { CrmClient } from './crm-client.ts';
import { type DependencyError, toDependencyError } from './dependency-error.ts';
import { LlmClient } from './llm-client.ts';
import { TtsClient } from './tts-client.ts';
import { type TurnRecorder, tracingHeaders } from './turn-recorder.ts';

/**
 * The architecture a 1k-calls/month pilot ships with: one LLM endpoint through the SDK with its
 * defaults (2 retries, 10-minute timeout), undici defaults for ASR and TTS, a hard-coded CRM client
 * timeout, writes without an Idempotency-Key retried blindly on any error, no breaker and no
 * fallback. A failed ASR, LLM or TTS call fails the turn (the driver sees a 5xx); a CRM failure is
 * handed to the LLM as the tool result, which carries on as if nothing happened.
 */
export class PilotProfile implements AgentProfile {
  readonly name = 'pilot' as const;
  readonly handlesLowConfidence = false;
  readonly scriptedFallback = false;
  readonly #config: AgentConfig;
  readonly #asr: AsrClient;
  readonly #tts: TtsClient;
  readonly #crm: CrmClient;
  readonly #llm: LlmClient;

  constructor(config: AgentConfig, dispatcher: Dispatcher) {
    this.#config = config;
    this.#asr = new AsrClient({ url: config.asrUrl, model: config.asrModel, dispatcher });
    this.#tts = new TtsClient({ url: config.ttsUrl, model: config.ttsModel, dispatcher });
    this.#crm = new CrmClient({ url: config.crmUrl, dispatcher });
    // One endpoint: the first configured. SDK defaults for retries and timeout.
    this.#llm = new LlmClient(config.llm[0]!, { apiKey: config.llmApiKey, model: config.llmModel });
  }

  transcribe(rec: TurnRecorder, audio: Uint8Array, locale: string): Promise<Transcription> {
    const headers = tracingHeaders(rec.identity);
    return rec.attempt('asr', this.#asr.endpoint, 1, () => this.#asr.transcribe(audio, { locale, headers }), {
      status: (t) => t.status,
      failure: (e) => toDependencyError(e, 'asr', this.#asr.endpoint).status,
    });
  }

  async complete(
    rec: TurnRecorder,
    messages: ChatCompletionMessageParam[],
    tools: ChatCompletionTool[],
  ): Promise<LlmRound> {
    const endpoint = this.#llm.endpoint;
    rec.llmStarted();
    const answer = await rec.attempt(
      'llm',
      endpoint.name,
      1,
      () =>
        this.#llm.complete({
          messages,
          tools,
          headers: tracingHeaders(rec.identity),
          requireFinish: false,
          onFirstToken: (at) => rec.llmFirstToken(at),
        }),
      {
        status: (a) => a.status,
        failure: (e) => toDependencyError(e, 'llm', endpoint.name).status,
        region: endpoint.region,
        operation: 'POST /v1/chat/completions',
      },
    );
    return { answer, tier: 'primary', endpoint: endpoint.name };
  }

  async crm(rec: TurnRecorder, request: CrmRequest): Promise<ToolOutcome> {
    const write = crmOperations[request.op].kind === 'write';
    const attempts = write ? this.#config.pilot.writeAttempts : 1;
    let last: DependencyError | undefined;
    for (let attempt = 1; attempt <= attempts; attempt++) {
      try {
        const response = await rec.attempt(
          'crm',
          this.#crm.endpoint,
          attempt,
          () =>
            this.#crm.send(request, {
              headers: tracingHeaders(rec.identity),
              timeoutMs: this.#config.pilot.crmTimeoutMs,
            }),
          {
            status: (r) => r.status,
            failure: (e) => toDependencyError(e, 'crm', this.#crm.endpoint).status,
            operation: request.route,
          },
        );
        return { ok: true, data: response.body, landed: write };
      } catch (error) {
        // Blind retry: whatever went wrong, send it again straight away.
        last = toDependencyError(error, 'crm', this.#crm.endpoint);
      }
    }
    return {
      ok: false,
      error: last?.message ?? 'CRM request failed',
      status: last?.status ?? 'network-error',
    };
  }

  speak(rec: TurnRecorder, text: string) {
    const started = performance.now();
    return rec.attempt(
      'tts',
      this.#tts.endpoint,
      1,
      () =>
        this.#tts.speak(text, {
          headers: tracingHeaders(rec.identity),
          onFirstByte: (at) => rec.firstAudioByte(at, started),
        }),
      { status: (s) => s.status, failure: (e) => toDependencyError(e, 'tts', this.#tts.endpoint).status },
    );
  }

  async replayDeadLetters() {
    return { landed: 0, abandoned: 0, failed: 0, remaining: 0 };
  }

  health(): Record<string, unknown> {
    return { llm: this.#llm.endpoint.name };
  }

  async close(): Promise<void> {}
}
