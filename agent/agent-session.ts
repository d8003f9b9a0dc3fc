import { randomUUID } from 'node:crypto';
import type { ChatCompletionMessageParam } from 'openai/resources/chat/completions';
import type { AgentTurnAction, CreateCallRequest } from '../src/protocol/agent-protocol.ts';

/** One call in progress: what the agent remembers between turns. */
export class AgentSession {
  readonly id = `ses_${randomUUID()}`;
  readonly runId: string;
  readonly request: CreateCallRequest;
  readonly createdAt = Date.now();
  /** The conversation as the LLM sees it (system prompt excluded). */
  readonly history: ChatCompletionMessageParam[] = [];
  lastTurn = -1;
  busy = false;
  /** Set once the call is over: the agent ended or transferred it, or the caller hung up. */
  ended: AgentTurnAction | 'hangup' | null = null;
  endedAt: number | null = null;
  lastActivity = Date.now();
  /** Re-prompts in a row (low confidence or no transcript). */
  consecutiveReprompts = 0;
  /** The account the conversation is about, once a tool call named it. */
  accountId: string | null = null;
  intent: string | null = null;
  lastReply: { text: string; audioMs: number } | null = null;

  constructor(runId: string, request: CreateCallRequest, greeting: string, greetingAudioMs: number) {
    this.runId = runId;
    this.request = request;
    this.history.push({ role: 'assistant', content: greeting });
    this.lastReply = { text: greeting, audioMs: greetingAudioMs };
  }

  end(how: AgentTurnAction | 'hangup'): void {
    if (this.ended !== null) return;
    this.ended = how;
    this.endedAt = Date.now();
  }
}

/**
 * Sessions in memory. Ended sessions are kept for `endedTtlMs` (so a late DELETE or turn gets a
 * precise answer) and idle ones are dropped after `idleTtlMs`; a sweep runs every few seconds.
 */
export class SessionStore {
  readonly #sessions = new Map<string, AgentSession>();
  readonly #timer: NodeJS.Timeout;

  constructor(readonly options: { endedTtlMs?: number; idleTtlMs?: number } = {}) {
    this.#timer = setInterval(() => this.sweep(), 5000);
    this.#timer.unref();
  }

  add(session: AgentSession): void {
    this.#sessions.set(session.id, session);
  }

  get(id: string): AgentSession | undefined {
    return this.#sessions.get(id);
  }

  get size(): number {
    return this.#sessions.size;
  }

  get active(): number {
    let n = 0;
    for (const s of this.#sessions.values()) if (s.ended === null) n++;
    return n;
  }

  sweep(now = Date.now()): void {
    const endedTtl = this.options.endedTtlMs ?? 60_000;
    const idleTtl = this.options.idleTtlMs ?? 30 * 60_000;
    for (const [id, s] of this.#sessions) {
      if ((s.endedAt !== null && now - s.endedAt > endedTtl) || (!s.busy && now - s.lastActivity > idleTtl))
        this.#sessions.delete(id);
    }
  }

  close(): void {
    clearInterval(this.#timer);
    this.#sessions.clear();
  }
}
