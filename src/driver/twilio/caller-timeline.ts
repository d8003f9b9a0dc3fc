import type { CallPlan, PlannedTurn } from '../../../simulators/callers/call-plan.ts';
import type { BotSpeechDetector } from './bot-speech-detector.ts';
import type { UtteranceFrames } from './utterance-frames.ts';
import type { SpokenTurn, WireMeter } from './wire-meter.ts';

/** How the caller ended the call (the bot's endings come from the wire and the REST API). */
export type CallerEnd =
  | { readonly by: 'caller-done'; readonly atTurn: number; readonly at: number }
  | {
      readonly by: 'caller-abandoned';
      readonly atTurn: number;
      readonly waitedMs: number;
      readonly at: number;
      readonly why: string;
    };

export interface CallerTimelineOptions {
  readonly plan: CallPlan;
  readonly meter: WireMeter;
  readonly detector: BotSpeechDetector;
  /** When the stream started (the `start` message went out): the wait for the greeting begins. */
  readonly startedAt: number;
  /** A turn's utterance cut into frames, or null while it is still being rendered. */
  readonly frames: (turn: PlannedTurn) => UtteranceFrames | null;
  /** Whether the bot's reply to this utterance was a reprompt (the caller then says it again). */
  readonly isReprompt?: ((turn: PlannedTurn) => Promise<boolean>) | null;
  /** The caller starts speaking an utterance (its first frame is due at `at`). */
  readonly onUtteranceStart?: (turn: PlannedTurn, attempt: number, at: number) => void;
  /** After its last turn's reply, how long the caller waits for the bot to end the call (default 4 s). */
  readonly closeWaitMs?: number;
  /** The longest the caller listens to one bot utterance before giving up (default 120 s). */
  readonly maxBotTurnMs?: number;
  /** Times a turn is said again after reprompts (default 2, as in the HTTP caller). */
  readonly maxRepeats?: number;
  /** How long past its think time the caller waits for the reprompt check (default 1 s). */
  readonly repromptWaitMs?: number;
}

interface Speaking {
  readonly frames: UtteranceFrames;
  readonly spoken: SpokenTurn;
  pos: number;
  speechEnded: boolean;
}

/**
 * One caller on the media timeline, as a state machine run frame by frame from what it hears:
 * it waits for the greeting, lets the bot finish (speech detected in the played-out audio, then a
 * hangover of quiet: BotSpeechDetector) and thinks for the plan's think time before each
 * utterance, barges in at the planned point while the bot speaks, says a turn again when the bot
 * reprompted, hangs up on dead air past its patience, and after its last turn waits a little for
 * the bot to end the call, then hangs up itself. Pure: time comes in as the tick's due time, so
 * it runs the same under a fake clock.
 */
export class CallerTimeline {
  ended: CallerEnd | null = null;
  readonly #o: CallerTimelineOptions;
  readonly #turns: readonly PlannedTurn[];
  readonly #closeWaitMs: number;
  readonly #maxBotTurnMs: number;
  readonly #maxRepeats: number;
  readonly #repromptWaitMs: number;
  #speaking: Speaking | null = null;
  /** Index into the plan's turns of the next new turn. */
  #next = 0;
  /** The last utterance spoken, and how often it was repeated. */
  #last: { turn: PlannedTurn; attempt: number } | null = null;
  #waitingSince: number | null;
  #replyStartedAt: number | null = null;
  #replyFinishedAt: number | null = null;
  #speakAt: number | null = null;
  #doneAt: number | null = null;
  #check: { result: boolean | null } | null = null;

  constructor(options: CallerTimelineOptions) {
    this.#o = options;
    this.#turns = options.plan.turns;
    this.#closeWaitMs = options.closeWaitMs ?? 4_000;
    this.#maxBotTurnMs = options.maxBotTurnMs ?? 120_000;
    this.#maxRepeats = options.maxRepeats ?? 2;
    this.#repromptWaitMs = options.repromptWaitMs ?? 1_000;
    this.#waitingSince = options.startedAt;
  }

  /** The planned turn index the call is at (the last one spoken; 0 before any). */
  get atTurn(): number {
    return this.#last?.turn.index ?? 0;
  }

  /** The caller is sending an utterance now. */
  get speaking(): boolean {
    return this.#speaking !== null;
  }

  /**
   * One 20 ms frame due at `at`: `loud` says whether the bot audio played in it was speech,
   * `botBytes` how much bot audio it held. Returns the caller's payload for the frame (base64),
   * or null for silence.
   */
  tick(at: number, loud: boolean, botBytes: number): string | null {
    if (this.ended) return null;
    const d = this.#o.detector;
    d.frame(at, loud);
    const s = this.#speaking;
    const callerSpeech = s !== null && at + d.frameMs > s.spoken.speechStartAt && at < s.spoken.speechEndAt;
    this.#o.meter.frame(at, { loud, onset: d.onset, finished: d.finished, callerSpeech, botBytes });
    if (d.started) {
      this.#replyStartedAt = at;
      this.#replyFinishedAt = null;
      if (this.#waitingSince !== null && at >= this.#waitingSince) this.#waitingSince = null;
      // The bot went on (or started again) while the caller was about to speak: listen to it first.
      this.#speakAt = null;
      this.#doneAt = null;
    }
    if (d.finished && !this.#speaking && this.#waitingSince === null) this.#botFinished(at);
    if (!this.#speaking) this.#decide(at);
    return this.#speaking ? this.#frame(at) : null;
  }

  /** The caller's next frame of the utterance it is saying. */
  #frame(at: number): string {
    const s = this.#speaking!;
    const payload = s.frames.payloads[s.pos]!;
    if (!s.speechEnded && at + this.#o.detector.frameMs >= s.spoken.speechEndAt) {
      s.speechEnded = true;
      const botSpeaking = this.#o.detector.speaking;
      this.#o.meter.speechEnded(s.spoken.speechEndAt, botSpeaking);
      // A bot already talking when the caller stops is taken as the reply; otherwise the wait begins.
      this.#waitingSince = botSpeaking ? null : s.spoken.speechEndAt;
      this.#replyFinishedAt = null;
      if (!botSpeaking) this.#replyStartedAt = null;
    }
    s.pos++;
    if (s.pos >= s.frames.payloads.length) this.#speaking = null;
    return payload;
  }

  #botFinished(at: number): void {
    this.#replyFinishedAt = at;
    const upcoming = this.#turns[this.#next] ?? this.#last?.turn;
    this.#speakAt = at + (upcoming?.thinkMs ?? 0);
    const last = this.#last;
    const check = this.#o.isReprompt;
    this.#check = null;
    if (last && check && last.attempt < this.#maxRepeats) {
      const state: { result: boolean | null } = { result: null };
      this.#check = state;
      check(last.turn).then(
        (r) => {
          state.result = r;
        },
        () => {
          state.result = false;
        },
      );
    }
  }

  #decide(at: number): void {
    const d = this.#o.detector;
    const patience = this.#o.plan.patienceMs;
    if (this.#waitingSince !== null && at - this.#waitingSince >= patience) {
      const after = this.#last ? `the caller's turn ${this.#last.turn.index}` : 'the call connected';
      this.#abandon(
        at,
        at - this.#waitingSince,
        `dead air: no bot speech for ${patience} ms (the caller's patience) after ${after}`,
      );
      return;
    }
    if (d.speaking && this.#replyStartedAt !== null) {
      if (at - this.#replyStartedAt > this.#maxBotTurnMs) {
        this.#abandon(
          at,
          at - this.#replyStartedAt,
          `the bot spoke for over ${this.#maxBotTurnMs} ms without a pause to answer in`,
        );
        return;
      }
      const next = this.#turns[this.#next];
      if (next && next.bargeInAtMs !== null && at - this.#replyStartedAt >= next.bargeInAtMs) {
        if (this.#start(next, 0, true, at)) return;
      }
    }
    if (this.#speakAt !== null && at >= this.#speakAt && !d.speaking) {
      const check = this.#check;
      if (check && check.result === null && at < this.#speakAt + this.#repromptWaitMs) return;
      const last = this.#last;
      if (check?.result === true && last && last.attempt < this.#maxRepeats) {
        if (this.#start(last.turn, last.attempt + 1, false, at)) return;
        return;
      }
      const next = this.#turns[this.#next];
      if (next) {
        this.#start(next, 0, false, at);
        return;
      }
      this.#speakAt = null;
      this.#doneAt = Math.max(at, (this.#replyFinishedAt ?? at) + this.#closeWaitMs);
    }
    if (this.#doneAt !== null && at >= this.#doneAt) {
      this.ended = { by: 'caller-done', atTurn: this.atTurn, at };
    }
  }

  /** Starts an utterance at `at` if its audio is ready; false while it is still being rendered. */
  #start(turn: PlannedTurn, attempt: number, bargeIn: boolean, at: number): boolean {
    const frames = this.#o.frames(turn);
    if (!frames) return false;
    // Lateness beyond the tick the start fell in (a render not ready, a reprompt check): the lag.
    const frameMs = this.#o.detector.frameMs;
    const sendLagMs = this.#speakAt !== null && !bargeIn ? Math.max(0, at - this.#speakAt - frameMs) : 0;
    const spoken = this.#o.meter.turnStarted(
      turn,
      attempt,
      bargeIn,
      at,
      { startMs: frames.speechStartMs, endMs: frames.speechEndMs },
      sendLagMs,
    );
    this.#speaking = { frames, spoken, pos: 0, speechEnded: false };
    this.#last = { turn, attempt };
    if (attempt === 0) this.#next = turn.index + 1;
    this.#speakAt = null;
    this.#doneAt = null;
    this.#check = null;
    this.#o.onUtteranceStart?.(turn, attempt, at);
    return true;
  }

  #abandon(at: number, waitedMs: number, why: string): void {
    this.ended = { by: 'caller-abandoned', atTurn: this.atTurn, waitedMs, at, why };
  }
}
