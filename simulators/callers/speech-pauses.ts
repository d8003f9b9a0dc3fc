/**
 * Pauses inside a synthesised utterance. espeak-ng pauses ~150 ms at a comma and ~300 ms at a full
 * stop at 175 wpm, and longer when it speaks slower (~215 / ~430 ms at 140 wpm): long enough for a
 * bot's VAD (Pipecat splits a turn on 200 ms of silence) to cut one planned utterance in two. This
 * shortens every quiet stretch inside the speech to at most `maxPauseMs`, trims the silence around
 * it, and pads it with a fixed lead-in and tail (where the line noise alone will be heard).
 */

/** Analysis frame (ms). */
export const PAUSE_FRAME_MS = 10;
/** A frame is quiet when its RMS is this far below the loudest frame's (dB). */
export const QUIET_BELOW_PEAK_DB = 40;

export interface PauseShaping {
  /** Longest quiet stretch kept inside the speech (ms). Default 120. */
  readonly maxPauseMs?: number;
  /** Silence before the speech (ms). Default 100. */
  readonly leadMs?: number;
  /** Silence after the speech (ms). Default 150. */
  readonly tailMs?: number;
}

export interface ShapedSpeech {
  readonly samples: Int16Array;
  /** First and one-past-last sample of the speech (the rest is lead-in and tail). */
  readonly speechStart: number;
  readonly speechEnd: number;
  /** Quiet stretches that were shortened: where (in the input) and how long they were (ms). */
  readonly shortened: readonly { readonly atMs: number; readonly wasMs: number }[];
}

/** Per-frame RMS of PCM16 samples. */
export function frameRms(samples: Int16Array, frame: number): Float64Array {
  const frames = Math.floor(samples.length / frame);
  const rms = new Float64Array(frames);
  for (let f = 0; f < frames; f++) {
    let sum = 0;
    for (let i = f * frame; i < (f + 1) * frame; i++) sum += samples[i]! * samples[i]!;
    rms[f] = Math.sqrt(sum / frame);
  }
  return rms;
}

/** Which frames are speech (within QUIET_BELOW_PEAK_DB of the loudest). */
export function loudFrames(samples: Int16Array, rate: number): { loud: Uint8Array; frame: number } {
  const frame = Math.round((rate * PAUSE_FRAME_MS) / 1000);
  const rms = frameRms(samples, frame);
  let peak = 0;
  for (const r of rms) if (r > peak) peak = r;
  const floor = peak * 10 ** (-QUIET_BELOW_PEAK_DB / 20);
  const loud = new Uint8Array(rms.length);
  for (let f = 0; f < rms.length; f++) loud[f] = peak > 0 && rms[f]! >= floor ? 1 : 0;
  return { loud, frame };
}

export function shapePauses(samples: Int16Array, rate: number, options: PauseShaping = {}): ShapedSpeech {
  const maxPause = Math.round(((options.maxPauseMs ?? 120) * rate) / 1000);
  const lead = Math.round(((options.leadMs ?? 100) * rate) / 1000);
  const tail = Math.round(((options.tailMs ?? 150) * rate) / 1000);
  const { loud, frame } = loudFrames(samples, rate);
  const first = loud.indexOf(1);
  const last = loud.lastIndexOf(1);
  if (first < 0)
    return { samples: new Int16Array(lead + tail), speechStart: lead, speechEnd: lead, shortened: [] };

  // Keep [first, last] frame by frame, cutting the middle out of every quiet run longer than maxPause.
  const pieces: [number, number][] = [];
  const shortened: { atMs: number; wasMs: number }[] = [];
  let from = first * frame;
  let f = first;
  while (f <= last) {
    if (loud[f]) {
      f++;
      continue;
    }
    const runStart = f;
    while (f <= last && !loud[f]) f++;
    const runSamples = (f - runStart) * frame;
    if (runSamples > maxPause) {
      const keepHead = runStart * frame + (maxPause >> 1);
      const keepTail = f * frame - (maxPause - (maxPause >> 1));
      pieces.push([from, keepHead]);
      from = keepTail;
      shortened.push({
        atMs: Math.round((runStart * frame * 1000) / rate),
        wasMs: Math.round((runSamples * 1000) / rate),
      });
    }
  }
  pieces.push([from, Math.min(samples.length, (last + 1) * frame)]);

  const speechLength = pieces.reduce((n, [a, b]) => n + (b - a), 0);
  const out = new Int16Array(lead + speechLength + tail);
  let at = lead;
  const fade = Math.max(1, Math.round(rate * 0.004));
  for (const [a, b] of pieces) {
    out.set(samples.subarray(a, b), at);
    // A short fade at each splice: the audio there is quiet, but a step would still click.
    if (at > lead) {
      for (let i = 0; i < fade && at + i < out.length; i++)
        out[at + i] = Math.round(out[at + i]! * (i / fade));
      for (let i = 1; i <= fade && at - i >= lead; i++)
        out[at - i] = Math.round(out[at - i]! * ((i - 1) / fade));
    }
    at += b - a;
  }
  return { samples: out, speechStart: lead, speechEnd: lead + speechLength, shortened };
}

/** The longest quiet stretch (ms) between the first and last speech frame: what a VAD may hear as a pause. */
export function longestPauseMs(samples: Int16Array, rate: number, from = 0, to = samples.length): number {
  const { loud } = loudFrames(samples.subarray(from, to), rate);
  const first = loud.indexOf(1);
  const last = loud.lastIndexOf(1);
  let longest = 0;
  let run = 0;
  for (let f = first; f >= 0 && f <= last; f++) {
    run = loud[f] ? 0 : run + 1;
    if (run > longest) longest = run;
  }
  return longest * PAUSE_FRAME_MS;
}
