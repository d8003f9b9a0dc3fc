import { MULAW_SILENCE } from '../../audio/g711.ts';

type Item = { readonly audio: Uint8Array; offset: number } | { readonly mark: string };

/** What one 20 ms play-out did. */
export interface PlayedFrame {
  /** Bytes of bot audio in the frame (the rest was silence: the buffer ran dry). */
  readonly audioBytes: number;
  /** Marks whose preceding audio has now played (Twilio echoes these back). */
  readonly marks: readonly string[];
}

const NO_MARKS: readonly string[] = [];

/**
 * One call's playback queue, as Twilio keeps it for a bidirectional stream: the bot's `media`
 * payloads (any size: a 20 ms frame or 2 s of silence in one message) and its `mark`s, in order,
 * played out in real time a frame at a time. `clear` drops the audio and returns every pending
 * mark (Twilio echoes those too). Audio past `capBytes` buffered is dropped and counted: a bot
 * sending faster than real time fills the buffer up to the cap, then loses audio.
 */
export class PlaybackBuffer {
  readonly capBytes: number;
  readonly #items: Item[] = [];
  #head = 0;
  #buffered = 0;
  #dropped = 0;
  #peak = 0;

  constructor(capBytes: number) {
    this.capBytes = capBytes;
  }

  /** Audio bytes waiting to play. */
  get bufferedBytes(): number {
    return this.#buffered;
  }

  /** Audio bytes dropped because the buffer was full. */
  get droppedBytes(): number {
    return this.#dropped;
  }

  /** The most audio ever waiting at once (bytes). */
  get peakBytes(): number {
    return this.#peak;
  }

  /** Queues bot audio; returns the bytes dropped over the cap (0 normally). */
  pushAudio(audio: Uint8Array): number {
    const room = Math.max(0, this.capBytes - this.#buffered);
    const kept = audio.length <= room ? audio : audio.subarray(0, room);
    const dropped = audio.length - kept.length;
    this.#dropped += dropped;
    if (kept.length > 0) {
      this.#items.push({ audio: kept, offset: 0 });
      this.#buffered += kept.length;
      if (this.#buffered > this.#peak) this.#peak = this.#buffered;
    }
    return dropped;
  }

  pushMark(name: string): void {
    this.#items.push({ mark: name });
  }

  /** Drops every queued audio byte; returns the pending marks, in order. */
  clear(): string[] {
    const marks: string[] = [];
    for (let i = this.#head; i < this.#items.length; i++) {
      const item = this.#items[i]!;
      if ('mark' in item) marks.push(item.mark);
    }
    this.#items.length = 0;
    this.#head = 0;
    this.#buffered = 0;
    return marks;
  }

  /**
   * Plays one frame: fills `frame` with the next queued audio, silence where there is none, and
   * reports the marks reached (a mark is reached once all audio queued before it has played).
   */
  play(frame: Uint8Array): PlayedFrame {
    let filled = 0;
    let marks: string[] | null = null;
    while (this.#head < this.#items.length) {
      const item = this.#items[this.#head]!;
      if ('mark' in item) {
        if (marks === null) marks = [];
        marks.push(item.mark);
        this.#head++;
        continue;
      }
      if (filled === frame.length) break;
      const take = Math.min(frame.length - filled, item.audio.length - item.offset);
      frame.set(item.audio.subarray(item.offset, item.offset + take), filled);
      filled += take;
      item.offset += take;
      this.#buffered -= take;
      if (item.offset === item.audio.length) this.#head++;
    }
    if (filled < frame.length) frame.fill(MULAW_SILENCE, filled);
    if (this.#head > 64 && this.#head * 2 > this.#items.length) {
      this.#items.splice(0, this.#head);
      this.#head = 0;
    }
    return { audioBytes: filled, marks: marks ?? NO_MARKS };
  }
}
