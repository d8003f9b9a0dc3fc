import { type AudioEncoding, bytesPerSample, encodeSamples } from '../src/audio/audio-encoding.ts';
import { encodeWav } from '../src/audio/wav.ts';

/** The audio a TTS request asked for. */
export interface TtsFormat {
  readonly encoding: AudioEncoding;
  readonly sampleRate: number;
  readonly container: 'none' | 'wav';
}

export type TtsFormatResult =
  | { readonly ok: true; readonly format: TtsFormat }
  | { readonly ok: false; readonly message: string };

const ENCODINGS = new Set(['linear16', 'mulaw', 'alaw']);
const COMPRESSED = new Set(['mp3', 'opus', 'flac', 'aac']);

/**
 * Deepgram's `/v1/speak` query (`encoding`, `sample_rate`, `container`). REST defaults: μ-law
 * 8 kHz raw with no parameters (callstorm's default, which its reference agent relies on); with an
 * `encoding`, Deepgram's sample rate (24 kHz linear16, 8 kHz G.711) and container (WAV, but raw
 * for μ-law as before). The WebSocket (`socket: true`) defaults to linear16 24 kHz and is raw only.
 */
export function parseSpeakFormat(query: URLSearchParams, socket = false): TtsFormatResult {
  const fail = (message: string): TtsFormatResult => ({ ok: false, message });
  const encodingRaw = query.get('encoding') ?? (socket ? 'linear16' : 'mulaw');
  if (!ENCODINGS.has(encodingRaw)) {
    return fail(
      COMPRESSED.has(encodingRaw)
        ? `encoding=${encodingRaw} is a Deepgram encoding the simulator does not produce: use linear16, mulaw or alaw`
        : `unknown encoding "${encodingRaw}": use linear16, mulaw or alaw`,
    );
  }
  const encoding = encodingRaw as AudioEncoding;
  const rateRaw = query.get('sample_rate');
  let sampleRate = encoding === 'linear16' ? 24_000 : 8000;
  if (rateRaw !== null) {
    const n = Number(rateRaw);
    if (!/^\d+$/.test(rateRaw) || n < 8000 || n > 48_000)
      return fail(`sample_rate must be a whole number from 8000 to 48000, got "${rateRaw}"`);
    sampleRate = n;
  }
  const containerRaw = query.get('container');
  if (containerRaw !== null && containerRaw !== 'none' && containerRaw !== 'wav')
    return fail(`container must be none or wav, got "${containerRaw}"`);
  if (socket && containerRaw === 'wav') return fail('the streaming TTS sends raw audio only: container=none');
  const container =
    (containerRaw as 'none' | 'wav' | null) ?? (socket || encoding === 'mulaw' ? 'none' : 'wav');
  return { ok: true, format: { encoding, sampleRate, container } };
}

/** Bytes per millisecond of a format's raw audio (mono). */
export function bytesPerMs(format: TtsFormat): number {
  return (format.sampleRate * bytesPerSample(format.encoding)) / 1000;
}

/** The samples as the format's bytes, a WAV header first when asked for (`header`: its length). */
export function encodeSpeech(samples: Int16Array, format: TtsFormat): { bytes: Uint8Array; header: number } {
  const data = encodeSamples(samples, format.encoding);
  if (format.container === 'none') return { bytes: data, header: 0 };
  const bytes = encodeWav({ encoding: format.encoding, sampleRate: format.sampleRate, channels: 1, data });
  return { bytes, header: bytes.length - data.length - (data.length % 2) };
}

/** Cuts encoded audio into chunks of `chunkMs` of audio, on sample boundaries (a header rides in the first). */
export function chunkSpeech(
  audio: { bytes: Uint8Array; header: number },
  format: TtsFormat,
  chunkMs: number,
): Uint8Array[] {
  const { bytes, header } = audio;
  const sample = bytesPerSample(format.encoding);
  const size = Math.max(sample, Math.round((chunkMs * bytesPerMs(format)) / sample) * sample);
  const chunks: Uint8Array[] = [];
  for (let at = 0; at < bytes.length; ) {
    const end = Math.min(bytes.length, at + size + (at === 0 ? header : 0));
    chunks.push(bytes.subarray(at, end));
    at = end;
  }
  return chunks;
}

export function contentTypeOf(format: TtsFormat): string {
  if (format.container === 'wav') return 'audio/wav';
  return format.encoding === 'linear16' ? 'audio/l16' : `audio/${format.encoding}`;
}
