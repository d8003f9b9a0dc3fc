import { MULAW_SILENCE } from '../../audio/g711.ts';
import type { PlayableUtterance } from '../caller-speech-pool.ts';

/** Bytes of one 20 ms μ-law frame at 8 kHz. */
export const FRAME_BYTES = 160;
export const FRAME_MS = 20;

/** A caller utterance cut into the 20 ms frames a Twilio stream carries. */
export interface UtteranceFrames {
  readonly utteranceId: string;
  /** Base64 of each frame's 160 μ-law bytes (the last one padded with silence). */
  readonly payloads: readonly string[];
  /** Where the speech is inside the utterance (ms from its first frame); the rest is lead-in and tail. */
  readonly speechStartMs: number;
  readonly speechEndMs: number;
  readonly durationMs: number;
}

const framed = new WeakMap<PlayableUtterance, UtteranceFrames>();

/**
 * The frames of an utterance: exactly the μ-law 8 kHz bytes of the render (what the ASR
 * simulator's linker renders again and matches), base64 per frame once per utterance.
 */
export function utteranceFrames(u: PlayableUtterance): UtteranceFrames {
  const known = framed.get(u);
  if (known) return known;
  const count = Math.ceil(u.mulaw.length / FRAME_BYTES);
  const payloads: string[] = [];
  const frame = Buffer.alloc(FRAME_BYTES);
  for (let i = 0; i < count; i++) {
    frame.fill(MULAW_SILENCE);
    frame.set(u.mulaw.subarray(i * FRAME_BYTES, (i + 1) * FRAME_BYTES));
    payloads.push(frame.toString('base64'));
  }
  const frames: UtteranceFrames = {
    utteranceId: u.utteranceId,
    payloads,
    speechStartMs: u.speech.startMs,
    speechEndMs: u.speech.endMs,
    durationMs: count * FRAME_MS,
  };
  framed.set(u, frames);
  return frames;
}
