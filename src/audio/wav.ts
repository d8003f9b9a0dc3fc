import { CallstormError } from '../errors/callstorm-error.ts';

/** Encodings a WAV container here carries: PCM16 (format 1), A-law (6), μ-law (7). */
export type WavEncoding = 'linear16' | 'alaw' | 'mulaw';

const FORMAT_CODE: Record<WavEncoding, number> = { linear16: 1, alaw: 6, mulaw: 7 };

export interface WavAudio {
  readonly encoding: WavEncoding;
  readonly sampleRate: number;
  readonly channels: number;
  /** The sample data as stored (PCM16 LE bytes, or one byte per G.711 sample). */
  readonly data: Uint8Array;
}

/** A RIFF/WAVE file around already-encoded sample data. */
export function encodeWav(audio: WavAudio): Uint8Array {
  const bits = audio.encoding === 'linear16' ? 16 : 8;
  const blockAlign = (audio.channels * bits) / 8;
  const fmtSize = audio.encoding === 'linear16' ? 16 : 18;
  const headerSize = 12 + 8 + fmtSize + 8;
  const out = new Uint8Array(headerSize + audio.data.length + (audio.data.length % 2));
  const v = new DataView(out.buffer);
  const ascii = (at: number, text: string) => {
    for (let i = 0; i < text.length; i++) out[at + i] = text.charCodeAt(i);
  };
  ascii(0, 'RIFF');
  v.setUint32(4, out.length - 8, true);
  ascii(8, 'WAVE');
  ascii(12, 'fmt ');
  v.setUint32(16, fmtSize, true);
  v.setUint16(20, FORMAT_CODE[audio.encoding], true);
  v.setUint16(22, audio.channels, true);
  v.setUint32(24, audio.sampleRate, true);
  v.setUint32(28, audio.sampleRate * blockAlign, true);
  v.setUint16(32, blockAlign, true);
  v.setUint16(34, bits, true);
  if (fmtSize === 18) v.setUint16(36, 0, true);
  ascii(20 + fmtSize, 'data');
  v.setUint32(24 + fmtSize, audio.data.length, true);
  out.set(audio.data, headerSize);
  return out;
}

function bad(source: string, reason: string): never {
  throw new CallstormError('CS_ERR_BAD_ARGUMENT', {
    option: source,
    reason: `not a WAV file callstorm reads: ${reason}`,
    fix: 'pass mono or stereo PCM16, A-law or μ-law WAV (what espeak-ng --stdout and `callstorm speak --format wav` write)',
  });
}

/** Parses a RIFF/WAVE file (PCM16, A-law, μ-law); `source` names it in errors. */
export function parseWav(bytes: Uint8Array, source = 'the WAV data'): WavAudio {
  if (bytes.length < 12) bad(source, 'shorter than a RIFF header');
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const tag = (at: number) => String.fromCharCode(bytes[at]!, bytes[at + 1]!, bytes[at + 2]!, bytes[at + 3]!);
  if (tag(0) !== 'RIFF' || tag(8) !== 'WAVE') bad(source, 'no RIFF/WAVE header');
  let at = 12;
  let format: { code: number; channels: number; sampleRate: number; bits: number } | null = null;
  while (at + 8 <= bytes.length) {
    const id = tag(at);
    let size = v.getUint32(at + 4, true);
    const body = at + 8;
    // Streamed WAVs (espeak-ng --stdout) write 0x7fffffff or 0xffffffff as the data size.
    if (id === 'data' && (size === 0 || body + size > bytes.length)) size = bytes.length - body;
    if (id === 'fmt ') {
      if (size < 16) bad(source, 'fmt chunk too short');
      format = {
        code: v.getUint16(body, true),
        channels: v.getUint16(body + 2, true),
        sampleRate: v.getUint32(body + 4, true),
        bits: v.getUint16(body + 14, true),
      };
    } else if (id === 'data') {
      if (!format) bad(source, 'data before fmt');
      const encoding =
        format.code === 1 && format.bits === 16
          ? 'linear16'
          : format.code === 6 && format.bits === 8
            ? 'alaw'
            : format.code === 7 && format.bits === 8
              ? 'mulaw'
              : bad(source, `format ${format.code} with ${format.bits} bits per sample`);
      if (format.channels < 1 || format.sampleRate < 1) bad(source, 'no channels or no sample rate');
      return {
        encoding,
        sampleRate: format.sampleRate,
        channels: format.channels,
        data: bytes.subarray(body, body + size),
      };
    }
    at = body + size + (size % 2);
  }
  return bad(source, 'no data chunk');
}
