import type { CallPlan, PlannedTurn } from './call-plan.ts';
import { encodeUtterance, TELEPHONY_RATE } from './speech-formats.ts';
import type { RenderedUtterance, SpeechRenderer } from './speech-renderer.ts';
import { encodeUtteranceAudio } from './utterance-audio.ts';

/**
 * What callers send as their audio in the HTTP agent protocol: `tagged` (today's default: the
 * utterance id in μ-law bytes, then silence; docs/agent-protocol.md) or `speech` (the utterance
 * rendered as caller speech, μ-law 8 kHz; docs/speech.md).
 */
export const CALLER_AUDIO_MODES = ['tagged', 'speech'] as const;
export type CallerAudioMode = (typeof CALLER_AUDIO_MODES)[number];

/** A run's caller audio: tagged, or speech from this renderer. */
export type CallerAudio = 'tagged' | SpeechRenderer;

/** A turn's audio payload: base64 μ-law 8 kHz, and how long it lasts (the real duration for speech). */
export interface TurnAudio {
  readonly base64: string;
  readonly speechMs: number;
  /** The render (speech only): where the speech is, the voice, the noise. */
  readonly rendered?: RenderedUtterance;
}

const base64Of = new WeakMap<RenderedUtterance, string>();

/**
 * The audio the caller sends for a turn. Speech replaces the plan's `speechMs` with the rendered
 * utterance's real duration, so the caller's timing follows what is played.
 */
export async function utteranceAudio(
  plan: CallPlan,
  turn: PlannedTurn,
  audio: CallerAudio = 'tagged',
): Promise<TurnAudio> {
  if (audio === 'tagged')
    return { base64: encodeUtteranceAudio(turn.id, turn.speechMs), speechMs: turn.speechMs };
  const rendered = await audio.render(plan, turn);
  let base64 = base64Of.get(rendered);
  if (base64 === undefined) {
    base64 = Buffer.from(encodeUtterance(rendered, 'mulaw', TELEPHONY_RATE)).toString('base64');
    base64Of.set(rendered, base64);
  }
  return { base64, speechMs: Math.round(rendered.durationMs), rendered };
}
