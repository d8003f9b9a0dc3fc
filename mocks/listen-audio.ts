import { type AudioEncoding, decodeSamples, isAudioEncoding } from '../src/audio/audio-encoding.ts';
import { parseWav } from '../src/audio/wav.ts';
import { CallstormError } from '../src/errors/callstorm-error.ts';

/**
 * The audio of a Deepgram pre-recorded request (`POST /v1/listen`), as Deepgram reads it: a WAV
 * body describes itself; raw audio is described by the query (`encoding=linear16|mulaw|alaw`,
 * `sample_rate`, little-endian PCM16) or, failing that, by its content type (`audio/l16;rate=…`,
 * big-endian as RFC 2586 has it; `audio/mulaw`, `audio/basic`, `application/octet-stream`: μ-law).
 * Raw audio without a rate is taken as 8 kHz.
 */
export interface ListenAudio {
  readonly encoding: AudioEncoding;
  readonly sampleRate: number;
  /** The body as received (μ-law bytes carry callstorm's tagged utterance ids). */
  readonly bytes: Uint8Array;
  /** Mono PCM16 (the first channel of a multi-channel WAV). */
  readonly samples: Int16Array;
}

const WAV_TYPES = new Set(['audio/wav', 'audio/wave', 'audio/x-wav', 'audio/vnd.wave']);
const MULAW_TYPES = new Set(['audio/mulaw', 'audio/x-mulaw', 'audio/basic', 'application/octet-stream', '']);

function parameter(contentType: string, name: string): string | undefined {
  for (const part of contentType.split(';').slice(1)) {
    const [key, value] = part.split('=');
    if (key?.trim().toLowerCase() === name) return value?.trim();
  }
  return undefined;
}

function sampleRate(text: string | undefined | null): number {
  if (text === undefined || text === null || text === '') return 8_000;
  const rate = Number(text);
  if (!Number.isInteger(rate) || rate < 4_000 || rate > 96_000) {
    throw new CallstormError('CS_ERR_BAD_ARGUMENT', {
      option: 'sample_rate',
      reason: `"${text}" is not a sample rate from 4000 to 96000 Hz`,
      fix: 'pass e.g. sample_rate=16000',
    });
  }
  return rate;
}

function firstChannel(samples: Int16Array, channels: number): Int16Array {
  if (channels <= 1) return samples;
  const out = new Int16Array(Math.floor(samples.length / channels));
  for (let i = 0; i < out.length; i++) out[i] = samples[i * channels]!;
  return out;
}

/** Decodes the request's audio; a CallstormError (CS_ERR_BAD_ARGUMENT) says what is wrong with it. */
export function decodeListenAudio(
  url: URL,
  contentTypeHeader: string | null,
  bytes: Uint8Array,
): ListenAudio {
  const contentType = (contentTypeHeader ?? '').toLowerCase();
  const type = contentType.split(';')[0]!.trim();
  const query = url.searchParams.get('encoding');
  if (type !== '' && !type.startsWith('audio/') && type !== 'application/octet-stream') {
    throw new CallstormError('CS_ERR_BAD_ARGUMENT', {
      option: 'content-type',
      reason: `${type} is not audio`,
      fix: 'send audio/mulaw (8 kHz), audio/wav, audio/l16;rate=N, or raw audio with ?encoding=linear16&sample_rate=N',
    });
  }
  if (WAV_TYPES.has(type) || (query === null && bytes.length >= 12 && isRiff(bytes))) {
    const wav = parseWav(bytes, 'the request body');
    return {
      encoding: wav.encoding,
      sampleRate: wav.sampleRate,
      bytes: wav.data,
      samples: firstChannel(decodeSamples(wav.data, wav.encoding), wav.channels),
    };
  }
  if (query !== null) {
    if (!isAudioEncoding(query)) {
      throw new CallstormError('CS_ERR_BAD_ARGUMENT', {
        option: 'encoding',
        reason: `"${query}" is not an encoding the simulator reads`,
        fix: 'use encoding=linear16, mulaw or alaw (or send a WAV)',
      });
    }
    const rate = sampleRate(url.searchParams.get('sample_rate'));
    return { encoding: query, sampleRate: rate, bytes, samples: decodeSamples(bytes, query) };
  }
  if (type === 'audio/l16') {
    const swapped = new Uint8Array(bytes.length & ~1);
    for (let i = 0; i + 1 < bytes.length; i += 2) {
      swapped[i] = bytes[i + 1]!;
      swapped[i + 1] = bytes[i]!;
    }
    const rate = sampleRate(parameter(contentType, 'rate'));
    const channels = Number(parameter(contentType, 'channels') ?? 1) || 1;
    return {
      encoding: 'linear16',
      sampleRate: rate,
      bytes,
      samples: firstChannel(decodeSamples(swapped, 'linear16'), channels),
    };
  }
  if (MULAW_TYPES.has(type)) {
    const rate = sampleRate(url.searchParams.get('sample_rate') ?? parameter(contentType, 'rate'));
    return { encoding: 'mulaw', sampleRate: rate, bytes, samples: decodeSamples(bytes, 'mulaw') };
  }
  throw new CallstormError('CS_ERR_BAD_ARGUMENT', {
    option: 'content-type',
    reason: `${type} is not audio the simulator reads`,
    fix: 'send audio/mulaw (8 kHz), audio/wav, audio/l16;rate=N, or raw audio with ?encoding=linear16&sample_rate=N',
  });
}

function isRiff(bytes: Uint8Array): boolean {
  return bytes[0] === 0x52 && bytes[1] === 0x49 && bytes[2] === 0x46 && bytes[3] === 0x46;
}
