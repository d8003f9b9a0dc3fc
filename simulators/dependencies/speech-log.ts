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
  #seq = 0;
  #attributed = 0;
  #ambiguous = 0;
  #byWire: Record<SpeechWire, number> = { speak: 0, 'speak-socket': 0, openai: 0 };

  constructor(options: { groundTruth?: GroundTruth; capacity?: number } = {}) {
    this.#groundTruth = options.groundTruth;
    this.#capacity = options.capacity ?? 50_000;
  }

  record(entry: Omit<SpokenRecord, 'seq' | 'at' | 'callId' | 'utteranceId' | 'ambiguous'>): SpokenRecord {
    const match = this.#groundTruth?.replies.claim(entry.text);
    const record: SpokenRecord = {
      ...entry,
      seq: ++this.#seq,
      at: new Date().toISOString(),
      ...(match
        ? { callId: match.reply.callId, utteranceId: match.reply.utteranceId, ambiguous: match.ambiguous }
        : {}),
    };
    this.#byWire[entry.wire]++;
    if (match) {
      this.#attributed++;
      if (match.ambiguous) this.#ambiguous++;
      const list = this.#byCall.get(match.reply.callId) ?? [];
      list.push(record);
      this.#byCall.set(match.reply.callId, list);
    }
    this.#records.push(record);
    if (this.#records.length > this.#capacity) {
      const old = this.#records.shift()!;
      if (old.callId !== undefined) {
        const list = this.#byCall.get(old.callId);
        if (list && list[0] === old) list.shift();
        if (list?.length === 0) this.#byCall.delete(old.callId);
      }
    }
    return record;
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
    this.#seq = 0;
    this.#attributed = 0;
    this.#ambiguous = 0;
    this.#byWire = { speak: 0, 'speak-socket': 0, openai: 0 };
  }
}
