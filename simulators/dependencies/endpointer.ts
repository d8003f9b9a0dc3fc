import type { VoiceActivity } from './energy-vad.ts';

/**
 * Cuts a live audio stream into speech segments, as a streaming recogniser's endpointing does:
 * a segment starts after `onsetFrames` speech frames (with a little audio from before, as
 * pre-roll) and ends once the VAD has heard `hangoverMs` + `endpointingMs` of silence after the
 * last speech frame. Works on 10 ms frames at any sample rate, fed in chunks of any size; pure and
 * synchronous, so a test can drive it sample by sample.
 */
export interface EndpointerOptions {
  readonly sampleRate: number;
  readonly vad: VoiceActivity;
  /**
   * Deepgram's `endpointing`: silence (ms) after speech that ends a segment with `speech_final`.
   * `false`: no endpointing; segments still end after `boundaryMs` of silence, not speech-final.
   */
  readonly endpointingMs: number | false;
  /** Silence the VAD needs before it calls speech over, before endpointing counts (default 100). */
  readonly hangoverMs?: number;
  /** Without endpointing, the silence that still closes a segment (default 1000). */
  readonly boundaryMs?: number;
  /** Speech frames in a row that start a segment (default 2: 20 ms, so a click does not). */
  readonly onsetFrames?: number;
  /** Frames before the onset given to the segment as pre-roll (default 2). */
  readonly preRollFrames?: number;
}

export type EndpointEvent =
  /** A segment starts at this stream sample (its pre-roll included). */
  | { readonly type: 'start'; readonly sample: number }
  /** The next audio of the open segment. */
  | { readonly type: 'audio'; readonly samples: Int16Array }
  /**
   * The segment ended. `speechEnd`: the sample after its last speech frame; `sample`: where the
   * endpoint was decided (what the caller had sent by then); `speechFinal`: ended by endpointing.
   */
  | {
      readonly type: 'end';
      readonly speechEnd: number;
      readonly sample: number;
      readonly speechFinal: boolean;
    };

export const FRAME_MS = 10;
export const DEFAULT_HANGOVER_MS = 100;

export class Endpointer {
  readonly sampleRate: number;
  readonly #vad: VoiceActivity;
  readonly #frame: number;
  readonly #closeAfter: number;
  readonly #speechFinal: boolean;
  readonly #onsetFrames: number;
  readonly #preRoll: number;
  /** Samples not yet making up a whole frame. */
  #partial: Int16Array;
  #partialLength = 0;
  /** Stream sample index of the next sample to arrive. */
  #position = 0;
  /** Recent frames while idle (pre-roll and onset), oldest first. */
  #history: Int16Array[] = [];
  #onset = 0;
  #open = false;
  #speechEnd = 0;
  #silence = 0;

  constructor(options: EndpointerOptions) {
    this.sampleRate = options.sampleRate;
    this.#vad = options.vad;
    this.#frame = Math.max(1, Math.round((options.sampleRate * FRAME_MS) / 1000));
    const hangover = options.hangoverMs ?? DEFAULT_HANGOVER_MS;
    const tail = options.endpointingMs === false ? (options.boundaryMs ?? 1000) : options.endpointingMs;
    this.#closeAfter = Math.max(1, Math.ceil((hangover + tail) / FRAME_MS));
    this.#speechFinal = options.endpointingMs !== false;
    this.#onsetFrames = Math.max(1, options.onsetFrames ?? 2);
    this.#preRoll = Math.max(0, options.preRollFrames ?? 2);
    this.#partial = new Int16Array(this.#frame);
  }

  /** Samples received so far. */
  get position(): number {
    return this.#position;
  }

  /** Whether a segment is open. */
  get inSpeech(): boolean {
    return this.#open;
  }

  push(samples: Int16Array): EndpointEvent[] {
    const events: EndpointEvent[] = [];
    let at = 0;
    if (this.#partialLength > 0) {
      const take = Math.min(samples.length, this.#frame - this.#partialLength);
      this.#partial.set(samples.subarray(0, take), this.#partialLength);
      this.#partialLength += take;
      at = take;
      if (this.#partialLength === this.#frame) {
        this.#step(this.#partial.slice(), events);
        this.#partialLength = 0;
      }
    }
    for (; at + this.#frame <= samples.length; at += this.#frame) {
      this.#step(samples.subarray(at, at + this.#frame), events);
    }
    if (at < samples.length) {
      this.#partial.set(samples.subarray(at), 0);
      this.#partialLength = samples.length - at;
    }
    return events;
  }

  /** Ends the open segment now (a client's Finalize, the end of the stream): not speech-final. */
  flush(): EndpointEvent[] {
    const events: EndpointEvent[] = [];
    if (!this.#open) return events;
    const rest = this.#partial.slice(0, this.#partialLength);
    if (rest.length > 0) events.push({ type: 'audio', samples: rest });
    this.#position += rest.length;
    this.#partialLength = 0;
    this.#open = false;
    this.#history = [];
    this.#onset = 0;
    events.push({ type: 'end', speechEnd: this.#speechEnd, sample: this.#position, speechFinal: false });
    return events;
  }

  #step(frame: Int16Array, events: EndpointEvent[]): void {
    const start = this.#position;
    this.#position += frame.length;
    const voiced = this.#vad.frame(frame, 0, frame.length);
    if (this.#open) {
      events.push({ type: 'audio', samples: frame });
      if (voiced) {
        this.#speechEnd = this.#position;
        this.#silence = 0;
        return;
      }
      if (++this.#silence >= this.#closeAfter) {
        this.#open = false;
        this.#history = [];
        events.push({
          type: 'end',
          speechEnd: this.#speechEnd,
          sample: this.#position,
          speechFinal: this.#speechFinal,
        });
      }
      return;
    }
    this.#history.push(frame);
    if (this.#history.length > this.#preRoll + this.#onsetFrames) this.#history.shift();
    this.#onset = voiced ? this.#onset + 1 : 0;
    if (this.#onset < this.#onsetFrames) return;
    this.#open = true;
    this.#onset = 0;
    this.#silence = 0;
    this.#speechEnd = this.#position;
    const first = start + frame.length - this.#history.reduce((n, f) => n + f.length, 0);
    events.push({ type: 'start', sample: first });
    for (const f of this.#history) events.push({ type: 'audio', samples: f });
    this.#history = [];
  }
}
