import type { AudioEncoding } from '../src/audio/audio-encoding.ts';

/** The query of `GET /v1/listen` (Deepgram live streaming), parsed. */
export interface ListenParams {
  /** Raw audio encoding; undefined: containerised audio (the simulator reads WAV). */
  readonly encoding?: AudioEncoding;
  readonly sampleRate?: number;
  readonly channels: number;
  readonly interimResults: boolean;
  /** Deepgram's default is 10 ms; `false` turns endpointing off. */
  readonly endpointingMs: number | false;
  readonly utteranceEndMs?: number;
  readonly vadEvents: boolean;
  /** `punctuate` or `smart_format`. */
  readonly punctuate: boolean;
  readonly model: string;
  readonly language: string;
  /** Names the simulator does not know: ignored, as Deepgram does, and counted. */
  readonly unknown: readonly string[];
}

export type ListenParamsResult =
  | { readonly ok: true; readonly params: ListenParams }
  | { readonly ok: false; readonly message: string };

export const DEFAULT_ENDPOINTING_MS = 10;

/** Every parameter of Deepgram's live `/v1/listen` (its API reference and SDKs); all but a few are accepted and have no effect. */
const KNOWN = new Set([
  'callback',
  'callback_method',
  'channels',
  'detect_entities',
  'diarize',
  'diarize_model',
  'diarize_version',
  'dictation',
  'encoding',
  'endpointing',
  'extra',
  'filler_words',
  'interim_results',
  'keyterm',
  'keywords',
  'language',
  'mip_opt_out',
  'model',
  'multichannel',
  'no_delay',
  'numerals',
  'profanity_filter',
  'punctuate',
  'redact',
  'replace',
  'sample_rate',
  'search',
  'smart_format',
  'tag',
  'tier',
  'utterance_end_ms',
  'vad_events',
  'version',
]);

const SUPPORTED_ENCODINGS = new Set<string>(['linear16', 'mulaw', 'alaw']);
const OTHER_ENCODINGS = new Set([
  'linear32',
  'flac',
  'amr-nb',
  'amr-wb',
  'opus',
  'ogg-opus',
  'speex',
  'g729',
]);

function bool(query: URLSearchParams, name: string, fallback: boolean): boolean | string {
  const raw = query.get(name);
  if (raw === null) return fallback;
  if (raw === 'true') return true;
  if (raw === 'false') return false;
  return `${name} must be true or false, got "${raw}"`;
}

function int(raw: string, name: string, min: number, max: number): number | string {
  if (!/^\d+$/.test(raw)) return `${name} must be a whole number, got "${raw}"`;
  const n = Number(raw);
  if (n < min || n > max) return `${name} must be between ${min} and ${max}, got ${n}`;
  return n;
}

/** Parses and checks the query, answering what Deepgram answers a bad handshake with (400 + message). */
export function parseListenParams(query: URLSearchParams): ListenParamsResult {
  const fail = (message: string): ListenParamsResult => ({ ok: false, message });
  const unknown = [...new Set([...query.keys()].filter((k) => !KNOWN.has(k)))];

  const encodingRaw = query.get('encoding');
  if (encodingRaw !== null && !SUPPORTED_ENCODINGS.has(encodingRaw)) {
    return fail(
      OTHER_ENCODINGS.has(encodingRaw)
        ? `encoding=${encodingRaw} is a Deepgram encoding the simulator does not decode: use linear16, mulaw or alaw`
        : `unknown encoding "${encodingRaw}": use linear16, mulaw or alaw`,
    );
  }
  let sampleRate: number | undefined;
  const rateRaw = query.get('sample_rate');
  if (rateRaw !== null) {
    const r = int(rateRaw, 'sample_rate', 8000, 48_000);
    if (typeof r === 'string') return fail(r);
    sampleRate = r;
  }
  if (encodingRaw !== null && sampleRate === undefined)
    return fail('sample_rate is required when encoding is given (raw audio has no header to tell it)');

  let channels = 1;
  const channelsRaw = query.get('channels');
  if (channelsRaw !== null) {
    const c = int(channelsRaw, 'channels', 1, 8);
    if (typeof c === 'string') return fail(c);
    channels = c;
  }
  const multichannel = bool(query, 'multichannel', false);
  if (typeof multichannel === 'string') return fail(multichannel);
  if (multichannel && channels > 1)
    return fail('multichannel=true is not simulated: send one channel, or channels=N to have them mixed');

  const interim = bool(query, 'interim_results', false);
  if (typeof interim === 'string') return fail(interim);
  const vad = bool(query, 'vad_events', false);
  if (typeof vad === 'string') return fail(vad);
  const punctuate = bool(query, 'punctuate', false);
  if (typeof punctuate === 'string') return fail(punctuate);
  const smart = bool(query, 'smart_format', false);
  if (typeof smart === 'string') return fail(smart);

  let endpointingMs: number | false = DEFAULT_ENDPOINTING_MS;
  const endpointingRaw = query.get('endpointing');
  if (endpointingRaw === 'false') endpointingMs = false;
  else if (endpointingRaw !== null && endpointingRaw !== 'true') {
    const e = int(endpointingRaw, 'endpointing', 0, 600_000);
    if (typeof e === 'string') return fail(`${e} (or false)`);
    endpointingMs = e;
  }
  let utteranceEndMs: number | undefined;
  const ueRaw = query.get('utterance_end_ms');
  if (ueRaw !== null) {
    const u = int(ueRaw, 'utterance_end_ms', 0, 600_000);
    if (typeof u === 'string') return fail(u);
    utteranceEndMs = u;
  }

  return {
    ok: true,
    params: {
      ...(encodingRaw !== null ? { encoding: encodingRaw as AudioEncoding } : {}),
      ...(sampleRate !== undefined ? { sampleRate } : {}),
      channels,
      interimResults: interim,
      endpointingMs,
      ...(utteranceEndMs !== undefined ? { utteranceEndMs } : {}),
      vadEvents: vad,
      punctuate: punctuate || smart,
      model: query.get('model') ?? 'base',
      language: query.get('language') ?? 'en',
      unknown,
    },
  };
}
