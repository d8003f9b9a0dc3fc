/**
 * Whether the bot is speaking, from the level of each played-out frame, with a hangover: speech
 * starts on the first frame above the threshold and ends once `hangoverMs` have passed without
 * one — longer than the pauses inside a reply (the TTS simulator's commas are 180 ms, its
 * sentence breaks 320 ms; a bot that fetches one sentence at a time leaves short gaps), so a
 * caller does not take a breath for the end of the bot's turn.
 */
export class BotSpeechDetector {
  readonly hangoverMs: number;
  readonly frameMs: number;
  /** Inside a bot utterance (speech heard, hangover not yet over). */
  speaking = false;
  /** This frame is loud and the previous one was not: where a burst of bot audio begins. */
  onset = false;
  /** Speaking began with this frame. */
  started = false;
  /** Speaking ended with this frame (the hangover ran out). */
  finished = false;
  /** End of the last loud frame (wall ms), or null before any. */
  lastLoudEnd: number | null = null;
  /** Start of the current (or last) utterance: its first loud frame. */
  startedAt: number | null = null;
  #previousLoud = false;

  constructor(hangoverMs = 700, frameMs = 20) {
    this.hangoverMs = hangoverMs;
    this.frameMs = frameMs;
  }

  /** One played frame starting at `at` (wall ms). */
  frame(at: number, loud: boolean): void {
    this.onset = loud && !this.#previousLoud;
    this.started = false;
    this.finished = false;
    this.#previousLoud = loud;
    if (loud) {
      this.lastLoudEnd = at + this.frameMs;
      if (!this.speaking) {
        this.speaking = true;
        this.started = true;
        this.startedAt = at;
      }
    } else if (this.speaking && this.lastLoudEnd !== null && at - this.lastLoudEnd >= this.hangoverMs) {
      this.speaking = false;
      this.finished = true;
    }
  }
}
