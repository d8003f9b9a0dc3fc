import { normaliseTranscript } from './normalise-transcript.ts';

/** One reply the LLM simulator gave, as the ground truth knows it. */
export interface ReplyRecord {
  readonly seq: number;
  readonly callId: string;
  /** The caller turn the reply answers. */
  readonly utteranceId: string;
  readonly text: string;
}

/** Which reply a text a TTS was asked to say comes from. */
export interface ReplyMatch {
  readonly reply: ReplyRecord;
  /** Other calls had a reply with the same words: the oldest one not yet spoken was taken. */
  readonly ambiguous: boolean;
}

/** Sentences of a reply: what a voice bot sends to its TTS one at a time. */
export function sentencesOf(text: string): string[] {
  return text
    .split(/(?<=[.!?])\s+/)
    .map(normaliseTranscript)
    .filter((s) => s.length > 0);
}

/**
 * The replies the LLM simulator gave, indexed by their words, so the TTS simulator can tell which
 * call a text belongs to. Bots send a reply whole or a sentence at a time, so both are keys. Many
 * replies are templated: when several calls said the same words, the oldest reply whose sentence
 * has not been spoken yet wins (the order a TTS hears replies in), flagged `ambiguous`. Keeps the
 * most recent `capacity` replies.
 */
export class ReplyIndex {
  readonly #capacity: number;
  readonly #byKey = new Map<string, ReplyRecord[]>();
  readonly #order: { record: ReplyRecord; keys: string[] }[] = [];
  /** `seq:key` of every sentence already spoken. */
  readonly #spoken = new Set<string>();
  #seq = 0;

  constructor(options: { capacity?: number } = {}) {
    this.#capacity = options.capacity ?? 100_000;
  }

  record(entry: Omit<ReplyRecord, 'seq'>): ReplyRecord {
    const record: ReplyRecord = { ...entry, seq: ++this.#seq };
    const keys = [...new Set([normaliseTranscript(entry.text), ...sentencesOf(entry.text)])].filter(Boolean);
    for (const key of keys) {
      const list = this.#byKey.get(key);
      if (list) list.push(record);
      else this.#byKey.set(key, [record]);
    }
    this.#order.push({ record, keys });
    if (this.#order.length > this.#capacity) this.#evict(this.#order.shift()!);
    return record;
  }

  /** The reply a spoken text comes from (marked spoken), or undefined if no reply has its words. */
  claim(text: string): ReplyMatch | undefined {
    const key = normaliseTranscript(text);
    const keys = key === '' ? [] : [key, ...sentencesOf(text)];
    for (const k of keys) {
      const candidates = this.#byKey.get(k);
      if (!candidates || candidates.length === 0) continue;
      const fresh =
        candidates.find((r) => !this.#spoken.has(`${r.seq}:${k}`)) ?? candidates[candidates.length - 1]!;
      this.#spoken.add(`${fresh.seq}:${k}`);
      const calls = new Set(candidates.map((r) => r.callId));
      return { reply: fresh, ambiguous: calls.size > 1 };
    }
    return undefined;
  }

  #evict({ record, keys }: { record: ReplyRecord; keys: string[] }): void {
    for (const key of keys) {
      const list = this.#byKey.get(key);
      if (!list) continue;
      const rest = list.filter((r) => r !== record);
      if (rest.length === 0) this.#byKey.delete(key);
      else this.#byKey.set(key, rest);
      this.#spoken.delete(`${record.seq}:${key}`);
    }
  }
}
