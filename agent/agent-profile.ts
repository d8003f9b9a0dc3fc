import type { ChatCompletionMessageParam, ChatCompletionTool } from 'openai/resources/chat/completions';
import type { AgentProfileName } from './agent-config.ts';
import type { CrmRequest } from './agent-tools.ts';
import type { Transcription } from './asr-client.ts';
import type { ReplayReport } from './dead-letter-queue.ts';
import type { LlmAnswer } from './llm-client.ts';
import type { Speech } from './tts-client.ts';
import type { TurnRecorder } from './turn-recorder.ts';

/** What a CRM tool call gave back, as the LLM will read it. */
export type ToolOutcome =
  | { readonly ok: true; readonly data: unknown; readonly landed?: boolean }
  | { readonly ok: true; readonly data: unknown; readonly deadLettered: true }
  | { readonly ok: false; readonly error: string; readonly status: number | string };

export interface LlmRound {
  readonly answer: LlmAnswer;
  readonly tier: 'primary' | 'secondary';
  readonly endpoint: string;
}

/** No LLM the caller's data may go to answered (production: every permitted tier failed). */
export class LlmUnavailableError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'LlmUnavailableError';
  }
}

/**
 * How an architecture talks to its dependencies. The turn pipeline is the same for both
 * profiles; what a failure does (error, retry, fallback, dead letter) is the profile's.
 */
export interface AgentProfile {
  readonly name: AgentProfileName;
  /** Production re-prompts low-confidence transcripts; the pilot takes whatever the ASR said. */
  readonly handlesLowConfidence: boolean;
  /** Production answers the top intents from a script when no LLM is available. */
  readonly scriptedFallback: boolean;
  /** The transcript; null when the ASR could not be reached (production only: the pilot throws). */
  transcribe(rec: TurnRecorder, audio: Uint8Array, locale: string): Promise<Transcription | null>;
  /** One LLM round (streaming). Throws LlmUnavailableError or DependencyError. */
  complete(
    rec: TurnRecorder,
    messages: ChatCompletionMessageParam[],
    tools: ChatCompletionTool[],
  ): Promise<LlmRound>;
  /** One CRM tool call; never throws for CRM failures (the outcome says what happened). */
  crm(rec: TurnRecorder, request: CrmRequest): Promise<ToolOutcome>;
  /** The reply audio; null when production gave up on TTS (the pilot throws). */
  speak(rec: TurnRecorder, text: string): Promise<Speech | null>;
  /** Replays dead-lettered writes now (production); the pilot has none. */
  replayDeadLetters(): Promise<ReplayReport>;
  /** Health read-out: breaker states, dead letters pending. */
  health(): Record<string, unknown>;
  close(): Promise<void>;
}
