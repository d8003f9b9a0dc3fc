import type { CallPlan, PlannedTurn } from '../callers/call-plan.ts';
import { normaliseTranscript } from './normalise-transcript.ts';
import { ReplyIndex } from './reply-index.ts';

/** Finds the plan of a call the ground truth has not seen (the lead wires: regenerate from scenario + seed). */
export type PlanResolver = (callId: string) => CallPlan | undefined;

export interface TurnRef {
  readonly plan: CallPlan;
  readonly turn: PlannedTurn;
}

/** One transcript the ASR simulator emitted. */
export interface TranscriptRecord {
  readonly utteranceId: string;
  readonly callId: string;
  readonly transcript: string;
  readonly confidence: number;
  /** 1 for the first recognition of the utterance, 2 for the first retry, … */
  readonly attempt: number;
  /** Slots of the turn whose spoken words the ASR got wrong in this transcript. */
  readonly garbledSlots: readonly string[];
  /** Order of recording: higher is more recent. */
  readonly seq: number;
}

/** How long a live speech-to-text stream took to answer an utterance (`GET /v1/listen`). */
export interface SpeechToTextRecord {
  readonly utteranceId: string;
  readonly callId: string;
  /** From the last speech audio of the utterance arriving to its final result being sent. */
  readonly latencyMs: number;
  /** The transcript the final results of the utterance carried, joined. */
  readonly transcript: string;
  readonly streamId: string;
  /** When the final was sent (ISO 8601). */
  readonly at: string;
}

/** What an LLM conversation is about: the current caller turn and how well it was heard. */
export interface ConversationTurn extends TurnRef {
  readonly transcript: TranscriptRecord;
}

/** `cs-7-12.u3` → `cs-7-12`; undefined when the id is not an utterance id. */
export function callIdOfUtterance(utteranceId: string): string | undefined {
  const at = utteranceId.lastIndexOf('.u');
  return at > 0 && /^\d+$/.test(utteranceId.slice(at + 2)) ? utteranceId.slice(0, at) : undefined;
}

/**
 * The values a turn speaks that a write or a lookup depends on: its slots, the account number in the
 * opening, and write arguments said verbatim (an email address is a persona field, not a slot).
 * Keys are slot / argument names (the vertical names write arguments after the slots they carry).
 */
export function spokenValues({ plan, turn }: TurnRef): Record<string, string> {
  const values: Record<string, string> = {};
  const text = turn.text.toLowerCase();
  if (turn.kind === 'open' || turn.index === 0) values['accountId'] = plan.caller.accountId;
  for (const write of plan.expectedWrites) {
    for (const [arg, value] of Object.entries(write.args)) {
      if (arg !== 'accountId' && value.length > 3 && text.includes(value.toLowerCase())) values[arg] = value;
    }
  }
  return { ...values, ...turn.slots };
}

/**
 * What the simulators know to be true: which utterance belongs to which planned turn, what the ASR
 * said it heard, and so which turn an LLM conversation is on. Shared by the ASR and LLM simulators.
 */
export class GroundTruth {
  readonly #plans = new Map<string, CallPlan | null>();
  readonly #resolvePlan: PlanResolver | undefined;
  readonly #byText = new Map<string, TranscriptRecord[]>();
  readonly #byCall = new Map<string, Set<string>>();
  readonly #latestByUtterance = new Map<string, TranscriptRecord>();
  readonly #classified = new Map<string, string>();
  readonly #speechToText = new Map<string, Map<string, SpeechToTextRecord>>();
  /** The live STT's finals of each utterance, normalised, in the order sent. */
  readonly #pieces = new Map<string, string[]>();
  readonly #byPiece = new Map<string, { readonly utteranceId: string; readonly position: number }[]>();
  readonly #transcribed = new Map<string, Set<string>>();
  /** What the LLM simulator replied, by its words: the TTS simulator attributes speech with it. */
  readonly replies = new ReplyIndex();
  #seq = 0;

  constructor(options: { resolvePlan?: PlanResolver } = {}) {
    this.#resolvePlan = options.resolvePlan;
  }

  /** Makes plans known in-process (tests, or a driver in the same process). */
  register(plans: Iterable<CallPlan>): void {
    for (const plan of plans) this.#plans.set(plan.id, plan);
  }

  plan(callId: string): CallPlan | undefined {
    const known = this.#plans.get(callId);
    if (known !== undefined) return known ?? undefined;
    const resolved = this.#resolvePlan?.(callId);
    this.#plans.set(callId, resolved ?? null);
    return resolved;
  }

  /** The planned turn an utterance id names, if its call is known. */
  utterance(utteranceId: string): TurnRef | undefined {
    const callId = callIdOfUtterance(utteranceId);
    const plan = callId === undefined ? undefined : this.plan(callId);
    const turn = plan?.turns.find((t) => t.id === utteranceId);
    return plan && turn ? { plan, turn } : undefined;
  }

  recordTranscript(entry: Omit<TranscriptRecord, 'seq' | 'callId'>): TranscriptRecord {
    const callId = callIdOfUtterance(entry.utteranceId) ?? entry.utteranceId;
    const record: TranscriptRecord = { ...entry, callId, seq: ++this.#seq };
    const key = normaliseTranscript(record.transcript);
    const list = this.#byText.get(key);
    if (list) list.push(record);
    else this.#byText.set(key, [record]);
    const texts = this.#byCall.get(callId);
    if (texts) texts.add(key);
    else this.#byCall.set(callId, new Set([key]));
    this.#latestByUtterance.set(record.utteranceId, record);
    const utterances = this.#transcribed.get(callId);
    if (utterances) utterances.add(record.utteranceId);
    else this.#transcribed.set(callId, new Set([record.utteranceId]));
    return record;
  }

  /** Utterances of the call the ASR produced a transcript for (any endpoint, any attempt). */
  transcriptsOf(callId: string): number {
    return this.#transcribed.get(callId)?.size ?? 0;
  }

  /**
   * The live speech-to-text sent one final of an utterance. A bot's turn is made of whole finals
   * (Pipecat joins the finals of a turn), and a pause inside an utterance can end a turn: so a
   * user message may be a run of an utterance's finals rather than all of it.
   */
  recordTranscriptPiece(utteranceId: string, transcript: string): void {
    const key = normaliseTranscript(transcript);
    if (key === '') return;
    const pieces = this.#pieces.get(utteranceId) ?? [];
    this.#pieces.set(utteranceId, pieces);
    pieces.push(key);
    const at = { utteranceId, position: pieces.length - 1 };
    const list = this.#byPiece.get(key);
    if (list) list.push(at);
    else this.#byPiece.set(key, [at]);
    const callId = callIdOfUtterance(utteranceId) ?? utteranceId;
    const texts = this.#byCall.get(callId);
    if (texts) texts.add(key);
    else this.#byCall.set(callId, new Set([key]));
  }

  /** Transcripts of utterances of which `key` is a run of consecutive finals (a turn cut by a pause). */
  #byPieces(key: string): TranscriptRecord[] {
    const words = key.split(' ');
    const found = new Map<string, TranscriptRecord>();
    let prefix = '';
    for (const word of words) {
      prefix = prefix === '' ? word : `${prefix} ${word}`;
      for (const { utteranceId, position } of this.#byPiece.get(prefix) ?? []) {
        const pieces = this.#pieces.get(utteranceId)!;
        let joined = pieces[position]!;
        for (let p = position + 1; joined.length < key.length && p < pieces.length; p++)
          joined = `${joined} ${pieces[p]}`;
        const record = this.#latestByUtterance.get(utteranceId);
        if (joined === key && record) found.set(utteranceId, record);
      }
    }
    return [...found.values()];
  }

  /** The most recent transcript of an utterance. */
  transcriptOf(utteranceId: string): TranscriptRecord | undefined {
    return this.#latestByUtterance.get(utteranceId);
  }

  /** The latest transcript of each turn of the call up to `turnIndex`, in turn order. */
  transcriptsOfCall(plan: CallPlan, upToTurnIndex = Number.POSITIVE_INFINITY): TranscriptRecord[] {
    return plan.turns
      .filter((t) => t.index <= upToTurnIndex)
      .map((t) => this.#latestByUtterance.get(t.id))
      .filter((r): r is TranscriptRecord => r !== undefined);
  }

  /**
   * Resolves a conversation from its user messages (oldest first): the last one is the current turn.
   * It is a transcript the ASR emitted (case, punctuation and spacing aside), or a run of one
   * utterance's consecutive live finals. When two calls produced the same text, the call whose
   * other transcripts appear in the conversation wins; then the most recent transcript.
   */
  resolveConversation(userMessages: readonly string[]): ConversationTurn | undefined {
    if (userMessages.length === 0) return undefined;
    const keys = userMessages.map(normaliseTranscript);
    const current = keys[keys.length - 1]!;
    const whole = this.#byText.get(current);
    const candidates = whole && whole.length > 0 ? whole : this.#byPieces(current);
    if (candidates.length === 0) return undefined;
    const others = keys.slice(0, -1);
    let best: TranscriptRecord | undefined;
    let bestScore = -1;
    for (const record of candidates) {
      const texts = this.#byCall.get(record.callId);
      const score = texts ? others.filter((k) => texts.has(k)).length : 0;
      if (score > bestScore || (score === bestScore && best !== undefined && record.seq > best.seq)) {
        best = record;
        bestScore = score;
      }
    }
    if (!best) return undefined;
    const ref = this.utterance(best.utteranceId);
    return ref ? { ...ref, transcript: best } : undefined;
  }

  /**
   * Which spoken values the ASR got wrong in this call up to `turnIndex`, by slot / argument name:
   * the latest turn that said a value decides (a correction heard right repairs it).
   */
  misheard(plan: CallPlan, upToTurnIndex: number): Set<string> {
    const wrong = new Set<string>();
    for (const turn of plan.turns) {
      if (turn.index > upToTurnIndex) break;
      const record = this.#latestByUtterance.get(turn.id);
      for (const name of Object.keys(spokenValues({ plan, turn }))) {
        if (record?.garbledSlots.includes(name)) wrong.add(name);
        else wrong.delete(name);
      }
    }
    return wrong;
  }

  /** The LLM simulator notes the intent it classified a turn as (true vs classified for telemetry). */
  recordClassification(utteranceId: string, intent: string): void {
    this.#classified.set(utteranceId, intent);
  }

  classifiedIntent(utteranceId: string): string | undefined {
    return this.#classified.get(utteranceId);
  }

  /** The live speech-to-text notes an utterance's final (the latest final of an utterance wins). */
  recordSpeechToText(entry: Omit<SpeechToTextRecord, 'callId'>): SpeechToTextRecord {
    const callId = callIdOfUtterance(entry.utteranceId) ?? entry.utteranceId;
    const record: SpeechToTextRecord = { ...entry, callId };
    const byUtterance = this.#speechToText.get(callId) ?? new Map<string, SpeechToTextRecord>();
    this.#speechToText.set(callId, byUtterance);
    byUtterance.set(entry.utteranceId, record);
    return record;
  }

  /** Speech-to-text latency of each utterance of a call the live STT answered, in the order heard. */
  speechToTextOfCall(callId: string): SpeechToTextRecord[] {
    return [...(this.#speechToText.get(callId)?.values() ?? [])];
  }
}
