import type { GroundTruth } from './ground-truth.ts';

/** The TTS wire a text came in on. */
export type SpeechWire = 'speak' | 'speak-socket' | 'openai';

/** One text the TTS simulator was asked to say. */
export interface SpokenRecord {
  readonly seq: number;
  readonly at: string;
  readonly wire: SpeechWire;
  readonly text: string;
  readonly audioMs: number;
  readonly encoding: string;
  readonly sampleRate: number;
  readonly container: 'none' | 'wav';
  /** The call whose LLM reply this text is, when the ground truth knows it. */
  readonly callId?: string;
  /** The caller turn that reply answered. */
  readonly utteranceId?: string;
  /** Several calls' replies had these words: the oldest one not yet spoken was taken. */
  readonly ambiguous?: boolean;
  /** The connection it came on, for a wire that holds one per call (the speak socket's id). */
  readonly connection?: string;
  /**
   * How `callId` was found: `reply` (its words are an LLM reply of the call) or `connection` (it
   * came on a connection that also carried, before or after, an unambiguous reply of that call:
   * a greeting or filler the bot spoke without asking its LLM).
   */
  readonly attributedBy?: 'reply' | 'connection';
}

/** Unattributed texts kept per connection, waiting for a reply to say whose call it is. */
const MAX_PENDING_PER_CONNECTION = 20;

/**
 * What the agent said before the caller's first turn was answered: the texts of the call spoken
 * before its first LLM reply, joined (undefined when there were none). `spoken` as `ofCall` gives.
 */
export function greetingOf(
  spoken: readonly Pick<SpokenRecord, 'text' | 'utteranceId'>[],
): string | undefined {
  const first = spoken.findIndex((r) => r.utteranceId !== undefined);
  const before = (first < 0 ? [] : spoken.slice(0, first)).map((r) => r.text.trim()).filter(Boolean);
  return before.length > 0 ? before.join(' ') : undefined;
}

export interface SpeechLogSummary {
  readonly total: number;
  readonly attributed: number;
  readonly ambiguous: number;
  readonly unattributed: number;
  readonly byWire: Readonly<Record<SpeechWire, number>>;
  /** The most recent records, newest last. */
  readonly recent: readonly SpokenRecord[];
}

/**
 * What the TTS simulator was asked to say, attributed to calls through the LLM replies the ground
 * truth recorded (a bot says what its LLM answered, whole or a sentence at a time). Keeps the
 * records of the last `capacity` texts; the counts cover everything since the last reset.
 */
export class SpeechLog {
  readonly #groundTruth: GroundTruth | undefined;
  readonly #capacity: number;
  #records: SpokenRecord[] = [];
  #byCall = new Map<string, SpokenRecord[]>();
  /** Connection → the call an unambiguous reply on it belonged to. */
  #callOf = new Map<string, string>();
  /** Connection → its texts no reply has attributed yet (the greeting, before the first reply). */
  #pending = new Map<string, SpokenRecord[]>();
  #seq = 0;
  #attributed = 0;
  #ambiguous = 0;
  #byWire: Record<SpeechWire, number> = { speak: 0, 'speak-socket': 0, openai: 0 };

  constructor(options: { groundTruth?: GroundTruth; capacity?: number } = {}) {
    this.#groundTruth = options.groundTruth;
    this.#capacity = options.capacity ?? 50_000;
  }

  record(
    entry: Omit<SpokenRecord, 'seq' | 'at' | 'callId' | 'utteranceId' | 'ambiguous' | 'attributedBy'>,
  ): SpokenRecord {
    const match = this.#groundTruth?.replies.claim(entry.text);
    const connection = entry.connection;
    const byConnection = !match && connection !== undefined ? this.#callOf.get(connection) : undefined;
    const record: SpokenRecord = {
      ...entry,
      seq: ++this.#seq,
      at: new Date().toISOString(),
      ...(match
        ? {
            callId: match.reply.callId,
            utteranceId: match.reply.utteranceId,
            ambiguous: match.ambiguous,
            attributedBy: 'reply' as const,
          }
        : byConnection !== undefined
          ? { callId: byConnection, attributedBy: 'connection' as const }
          : {}),
    };
    this.#byWire[entry.wire]++;
    this.#records.push(record);
    if (record.callId !== undefined) {
      this.#attributed++;
      if (match?.ambiguous) this.#ambiguous++;
      this.#attach(record.callId, record);
      if (match && !match.ambiguous && connection !== undefined) this.#bind(connection, match.reply.callId);
    } else if (connection !== undefined) {
      const list = this.#pending.get(connection) ?? [];
      list.push(record);
      if (list.length > MAX_PENDING_PER_CONNECTION) list.shift();
      this.#pending.set(connection, list);
    }
    if (this.#records.length > this.#capacity) this.#evict(this.#records.shift()!);
    return record;
  }

  #attach(callId: string, record: SpokenRecord): void {
    const list = this.#byCall.get(callId) ?? [];
    list.push(record);
    if (list.length > 1 && list.at(-2)!.seq > record.seq) list.sort((a, b) => a.seq - b.seq);
    this.#byCall.set(callId, list);
  }

  /** The connection carried `callId`'s reply: its earlier unattributed texts are that call's too. */
  #bind(connection: string, callId: string): void {
    if (this.#callOf.has(connection)) return;
    this.#callOf.set(connection, callId);
    // Oldest bindings go first (a Map keeps insertion order): connections live as long as a call.
    if (this.#callOf.size > this.#capacity) this.#callOf.delete(this.#callOf.keys().next().value!);
    for (const old of this.#pending.get(connection) ?? []) {
      const adopted: SpokenRecord = { ...old, callId, attributedBy: 'connection' };
      const at = this.#records.lastIndexOf(old);
      if (at < 0) continue;
      this.#records[at] = adopted;
      this.#attributed++;
      this.#attach(callId, adopted);
    }
    this.#pending.delete(connection);
  }

  #evict(old: SpokenRecord): void {
    if (old.callId !== undefined) {
      const list = this.#byCall.get(old.callId);
      if (list && list[0] === old) list.shift();
      if (list?.length === 0) this.#byCall.delete(old.callId);
    }
    if (old.connection !== undefined) {
      const pending = this.#pending.get(old.connection);
      if (pending && pending[0] === old) pending.shift();
      if (pending?.length === 0) this.#pending.delete(old.connection);
    }
  }

  ofCall(callId: string): SpokenRecord[] {
    return [...(this.#byCall.get(callId) ?? [])];
  }

  summary(recent = 50): SpeechLogSummary {
    return {
      total: this.#seq,
      attributed: this.#attributed,
      ambiguous: this.#ambiguous,
      unattributed: this.#seq - this.#attributed,
      byWire: { ...this.#byWire },
      recent: this.#records.slice(-recent),
    };
  }

  reset(): void {
    this.#records = [];
    this.#byCall = new Map();
    this.#callOf = new Map();
    this.#pending = new Map();
    this.#seq = 0;
    this.#attributed = 0;
    this.#ambiguous = 0;
    this.#byWire = { speak: 0, 'speak-socket': 0, openai: 0 };
  }
}
