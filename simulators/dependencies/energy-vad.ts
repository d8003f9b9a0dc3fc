/**
 * Voice activity by frame energy, at any sample rate, robust to gain: a frame is speech when its
 * level stands far enough above the stream's own noise floor (a relative test, so a bot that turns
 * the caller down by 20 dB changes nothing) and above an absolute floor that ignores dither and
 * μ-law's quantisation steps. The noise floor is the quietest frame of the last few seconds
 * (minimum statistics: speech always dips between syllables, noise does not); onset and
 * continuation use two thresholds (hysteresis).
 */
export interface VoiceActivity {
  /** Is this frame (samples [from, to)) speech? Called once per frame, in stream order. */
  frame(samples: Int16Array, from: number, to: number): boolean;
}

export interface EnergyVadOptions {
  /** dB above the noise floor for a frame to start speech (default 10). */
  readonly onsetDb?: number;
  /** dB above the noise floor for a frame to continue speech (default 6). */
  readonly continueDb?: number;
  /** Frames quieter than this (dBFS) are never speech (default −60). */
  readonly minDbfs?: number;
  /** The floor is the quietest of this many frames (default 300: 3 s of 10 ms frames). */
  readonly floorFrames?: number;
}

const FULL_SCALE_SQUARED = 32_768 * 32_768;
/** Digital silence is this level, not −∞, so the arithmetic stays finite. */
const SILENCE_DBFS = -100;
/** The floor window is kept as the minima of this many blocks (O(1) per frame). */
const BLOCKS = 10;

/** Level of samples [from, to) in dBFS. */
export function frameDbfs(samples: Int16Array, from: number, to: number): number {
  let sum = 0;
  for (let i = from; i < to; i++) {
    const s = samples[i]!;
    sum += s * s;
  }
  const n = to - from;
  if (n <= 0 || sum === 0) return SILENCE_DBFS;
  return Math.max(SILENCE_DBFS, 10 * Math.log10(sum / n / FULL_SCALE_SQUARED));
}

export class EnergyVad implements VoiceActivity {
  readonly #onset: number;
  readonly #continue: number;
  readonly #min: number;
  readonly #blockFrames: number;
  /** Minimum level of each finished block, newest last. */
  readonly #blocks: number[] = [];
  #blockMin = Number.POSITIVE_INFINITY;
  /** Minimum over #blocks (recomputed when a block finishes). */
  #blocksMin = Number.POSITIVE_INFINITY;
  #inBlock = 0;
  #speaking = false;

  constructor(options: EnergyVadOptions = {}) {
    this.#onset = options.onsetDb ?? 10;
    this.#continue = options.continueDb ?? 6;
    this.#min = options.minDbfs ?? -60;
    this.#blockFrames = Math.max(1, Math.round((options.floorFrames ?? 300) / BLOCKS));
  }

  /** The noise floor the VAD currently assumes (dBFS). */
  get floorDbfs(): number {
    const floor = Math.min(this.#blockMin, this.#blocksMin);
    return floor === Number.POSITIVE_INFINITY ? SILENCE_DBFS : floor;
  }

  frame(samples: Int16Array, from: number, to: number): boolean {
    const level = frameDbfs(samples, from, to);
    if (level < this.#blockMin) this.#blockMin = level;
    if (++this.#inBlock >= this.#blockFrames) {
      this.#blocks.push(this.#blockMin);
      if (this.#blocks.length > BLOCKS) this.#blocks.shift();
      this.#blocksMin = Math.min(...this.#blocks);
      this.#blockMin = Number.POSITIVE_INFINITY;
      this.#inBlock = 0;
    }
    const above = level - this.floorDbfs;
    const speech = level > this.#min && above > (this.#speaking ? this.#continue : this.#onset);
    this.#speaking = speech;
    return speech;
  }
}
