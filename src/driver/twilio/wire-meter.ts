import type { PlannedTurn } from '../../../simulators/callers/call-plan.ts';
import type { WireMeasurements } from '../../telemetry/wire-measurements.ts';
import { JitterHistogram } from './jitter-histogram.ts';

/** One utterance the caller spoke, with what was measured around it. */
export interface SpokenTurn {
  readonly turn: PlannedTurn;
  /** 0 the first time; 1, 2 when the caller repeated it after a reprompt. */
  readonly attempt: number;
  readonly bargeIn: boolean;
  /** Wall ms (performance.now scale) of the utterance's first frame, its speech start and end. */
  readonly startedAt: number;
  readonly speechStartAt: number;
  readonly speechEndAt: number;
  /** How late the first frame went out against the tick it was due on (ms). */
  readonly sendLagMs: number;
  voiceToVoiceMs: number | null;
  bargeInClearMs: number | null;
  audioAfterBargeInMs: number | null;
  /** The barge-in window is open: bot audio played now counts as audio after the barge-in. */
  bargeWindow: boolean;
}

/** A spurt of bot audio ends when the next message comes this much later than real time (ms). */
const SPURT_GAP_MS = 200;

/**
 * Everything the Twilio caller measures on the wire for one call: voice-to-voice per turn on the
 * played-out audio, greeting latency, barge-in → clear and the bot audio played after a barge-in,
 * talk-over, the longest dead air, the bot's frame jitter and the caller's own send jitter.
 * Fed frame by frame; `measurements()` gives the observation's `wire` field.
 */
export class WireMeter {
  readonly frameMs: number;
  readonly turns: SpokenTurn[] = [];
  readonly #startedAt: number;
  /** Each caller frame's lateness against its tick's due time. */
  readonly #sendLate = new JitterHistogram();
  readonly #botJitter = new JitterHistogram();
  readonly #malformed = new Map<string, number>();
  #greetingLatencyMs: number | null = null;
  #waitingSince: number | null;
  #longestDeadAirMs: number | null = null;
  #talkOverFrames = 0;
  #botAudioBytes = 0;
  #framesSent = 0;
  #botMessages = 0;
  #clears = 0;
  #marksReceived = 0;
  #marksEchoed = 0;
  #lastBotArrival: { at: number; durationMs: number } | null = null;

  constructor(startedAt: number, frameMs = 20) {
    this.#startedAt = startedAt;
    this.#waitingSince = startedAt;
    this.frameMs = frameMs;
  }

  /** The caller starts an utterance (its first frame is due at `at`). */
  turnStarted(
    turn: PlannedTurn,
    attempt: number,
    bargeIn: boolean,
    at: number,
    speech: { startMs: number; endMs: number },
    sendLagMs: number,
  ): SpokenTurn {
    const spoken: SpokenTurn = {
      turn,
      attempt,
      bargeIn,
      startedAt: at,
      speechStartAt: at + speech.startMs,
      speechEndAt: at + speech.endMs,
      sendLagMs,
      voiceToVoiceMs: null,
      bargeInClearMs: null,
      audioAfterBargeInMs: bargeIn ? 0 : null,
      bargeWindow: bargeIn,
    };
    this.turns.push(spoken);
    return spoken;
  }

  /**
   * One played-out frame at `at`: whether the bot's audio in it was speech, whether that is an
   * onset (loud after quiet) or the end of the bot's utterance (hangover over), whether the caller
   * was speaking in it, and how many bytes of bot audio it carried.
   */
  frame(
    at: number,
    e: { loud: boolean; onset: boolean; finished: boolean; callerSpeech: boolean; botBytes: number },
  ): void {
    this.#botAudioBytes += e.botBytes;
    if (e.loud && e.callerSpeech) this.#talkOverFrames++;
    const last = this.turns[this.turns.length - 1];
    if (e.onset) {
      if (this.#greetingLatencyMs === null) this.#greetingLatencyMs = at - this.#startedAt;
      if (last && last.voiceToVoiceMs === null && at >= last.speechEndAt)
        last.voiceToVoiceMs = at - last.speechEndAt;
      if (this.#waitingSince !== null && at >= this.#waitingSince) {
        this.#deadAir(at - this.#waitingSince);
        this.#waitingSince = null;
      }
    }
    if (last?.bargeWindow) {
      if (at >= last.speechStartAt && e.loud) last.audioAfterBargeInMs! += this.frameMs;
      if (e.finished || at >= last.speechEndAt) last.bargeWindow = false;
    }
  }

  /** The caller's speech of the current turn ended: a wait for the bot begins (dead air). */
  speechEnded(at: number, botSpeaking: boolean): void {
    this.#waitingSince = botSpeaking ? null : at;
  }

  /** The call ended at `at`: a wait still going counts as dead air. */
  ended(at: number): void {
    if (this.#waitingSince !== null && at >= this.#waitingSince) this.#deadAir(at - this.#waitingSince);
    this.#waitingSince = null;
    for (const t of this.turns) t.bargeWindow = false;
  }

  /** The bot sent `clear` at `at`. */
  clear(at: number): void {
    this.#clears++;
    const last = this.turns[this.turns.length - 1];
    if (last?.bargeIn && last.bargeInClearMs === null && at >= last.speechStartAt)
      last.bargeInClearMs = at - last.speechStartAt;
  }

  /** A bot media message of `bytes` μ-law bytes arrived at `at`. */
  botMedia(at: number, bytes: number): void {
    this.#botMessages++;
    const durationMs = bytes / 8;
    const prev = this.#lastBotArrival;
    if (prev) {
      const gap = at - prev.at;
      if (gap <= prev.durationMs + SPURT_GAP_MS) this.#botJitter.record(Math.abs(gap - prev.durationMs));
    }
    this.#lastBotArrival = { at, durationMs };
  }

  /** The caller's frame due at `dueAt` went out at `sentAt`. */
  frameSent(dueAt: number, sentAt: number): void {
    this.#framesSent++;
    this.#sendLate.record(sentAt - dueAt);
  }

  /**
   * Each frame's lateness against its due time, less the stream's best (its place in the clock's
   * round of sends, which a bot cannot see): the send jitter this stream's frames had.
   */
  get sendLateness(): JitterHistogram {
    return this.#sendLate;
  }

  malformed(reason: string): void {
    this.#malformed.set(reason, (this.#malformed.get(reason) ?? 0) + 1);
  }

  get malformedCount(): number {
    let n = 0;
    for (const c of this.#malformed.values()) n += c;
    return n;
  }

  /** `not JSON ×2, media payload not base64 ×1`, or '' when none. */
  malformedSummary(): string {
    return [...this.#malformed.entries()].map(([k, n]) => `${k} ×${n}`).join(', ');
  }

  markReceived(): void {
    this.#marksReceived++;
  }

  marksEchoed(n: number): void {
    this.#marksEchoed += n;
  }

  get greetingLatencyMs(): number | null {
    return this.#greetingLatencyMs;
  }

  /** The observation's `wire` field. */
  measurements(
    extra: Pick<WireMeasurements, 'close' | 'endReason' | 'playbackOverflow' | 'peakBufferedMs'>,
  ): WireMeasurements {
    const round = (v: number | null) => (v === null ? null : Math.round(v * 10) / 10);
    return {
      transport: 'twilio',
      greetingLatencyMs: round(this.#greetingLatencyMs),
      longestDeadAirMs: round(this.#longestDeadAirMs),
      talkOverMs: this.#talkOverFrames * this.frameMs,
      frameJitterP99Ms: this.#botJitter.percentile(99),
      turns: this.turns.map((t) => ({
        index: t.turn.index,
        voiceToVoiceMs: round(t.voiceToVoiceMs),
        bargeInClearMs: round(t.bargeInClearMs),
        audioAfterBargeInMs: t.audioAfterBargeInMs,
        ...(t.attempt > 0 ? { repeated: true } : {}),
      })),
      sendJitterP99Ms: this.#sendJitterAt(99),
      sendJitterMaxMs: this.#sendLate.count > 0 ? round(this.#sendLate.max - this.#sendLate.min) : null,
      framesSent: this.#framesSent,
      botMediaMessages: this.#botMessages,
      botAudioMs: this.#botAudioBytes / 8,
      clears: this.#clears,
      marks: { received: this.#marksReceived, echoed: this.#marksEchoed },
      malformedMessages: this.malformedCount,
      malformedKinds: [...this.#malformed.entries()].map(([k, n]) => `${k} ×${n}`),
      ...extra,
    };
  }

  #sendJitterAt(p: number): number | null {
    const at = this.#sendLate.percentile(p);
    return at === null ? null : Math.max(0, Math.round((at - this.#sendLate.min) * 100) / 100);
  }

  #deadAir(ms: number): void {
    if (this.#longestDeadAirMs === null || ms > this.#longestDeadAirMs) this.#longestDeadAirMs = ms;
  }
}
