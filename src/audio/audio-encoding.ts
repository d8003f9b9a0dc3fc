import { alawToPcm, mulawToPcm, pcmToAlaw, pcmToMulaw } from './g711.ts';
import { pcm16FromBytes, pcm16ToBytes } from './pcm16.ts';

/** The raw encodings voice APIs speak (Deepgram's names): PCM16 LE, μ-law, A-law. */
export const AUDIO_ENCODINGS = ['linear16', 'mulaw', 'alaw'] as const;
export type AudioEncoding = (typeof AUDIO_ENCODINGS)[number];

export function isAudioEncoding(value: string): value is AudioEncoding {
  return (AUDIO_ENCODINGS as readonly string[]).includes(value);
}

/** Bytes per sample of an encoding. */
export function bytesPerSample(encoding: AudioEncoding): number {
  return encoding === 'linear16' ? 2 : 1;
}

/** PCM16 samples as bytes of an encoding. */
export function encodeSamples(samples: Int16Array, encoding: AudioEncoding): Uint8Array {
  switch (encoding) {
    case 'linear16':
      return pcm16ToBytes(samples);
    case 'mulaw':
      return pcmToMulaw(samples);
    case 'alaw':
      return pcmToAlaw(samples);
  }
}

/** Bytes of an encoding as PCM16 samples. */
export function decodeSamples(bytes: Uint8Array, encoding: AudioEncoding): Int16Array {
  switch (encoding) {
    case 'linear16':
      return pcm16FromBytes(bytes);
    case 'mulaw':
      return mulawToPcm(bytes);
    case 'alaw':
      return alawToPcm(bytes);
  }
}
