import { mulawToPcm } from '../../src/audio/g711.ts';
import { encodeUtterance, TELEPHONY_RATE } from '../callers/speech-formats.ts';
import type { SpeechRenderer } from '../callers/speech-renderer.ts';
import type { GroundTruth } from './ground-truth.ts';
import type { PlayedAudioSource } from './playback-registry.ts';

/**
 * What the harness plays for an utterance id: its plan's turn rendered as caller speech, as μ-law
 * 8 kHz (the bytes the HTTP agent protocol and a telephone line carry), decoded to PCM16. The same
 * deterministic render as the driver's, from the same speech cache.
 */
export function playedSpeech(renderer: SpeechRenderer, groundTruth: GroundTruth): PlayedAudioSource {
  return async (utteranceId) => {
    const ref = groundTruth.utterance(utteranceId);
    if (!ref) return undefined;
    const rendered = await renderer.render(ref.plan, ref.turn);
    return {
      samples8k: mulawToPcm(encodeUtterance(rendered, 'mulaw', TELEPHONY_RATE)),
      text: ref.turn.text,
    };
  };
}
