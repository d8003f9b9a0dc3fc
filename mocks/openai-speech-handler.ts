import { type HttpHandler, HttpResponse, http } from 'msw';
import type { SpeechLog } from '../simulators/dependencies/speech-log.ts';
import type { TtsSynthesiser } from '../simulators/dependencies/tts-synthesiser.ts';
import { hash32 } from '../simulators/seeded-random.ts';
import { faultGate } from './fault-gate.ts';
import type { FaultSource } from './fault-source.ts';
import { speechStream } from './speech-stream.ts';
import { chunkSpeech, encodeSpeech, type TtsFormat } from './tts-audio-format.ts';

/** OpenAI's limit on `input`. */
export const MAX_INPUT_CHARS = 4096;
/** OpenAI's `pcm` and `wav`: 24 kHz, 16-bit, mono. */
const OPENAI_RATE = 24_000;
const OPENAI_FORMATS = ['mp3', 'opus', 'aac', 'flac', 'wav', 'pcm'];

function openAiError(status: number, message: string, param: string | null, code: string | null) {
  const type = status === 429 ? 'requests' : status >= 500 ? 'server_error' : 'invalid_request_error';
  return { error: { message, type, param, code } };
}

const bad = (message: string, param: string, code: string, headers: Record<string, string>) =>
  HttpResponse.json(openAiError(400, message, param, code), { status: 400, headers });

/**
 * OpenAI-compatible `POST /v1/audio/speech` (`{model, input, voice, response_format, speed}`):
 * `pcm` is raw 24 kHz PCM16 LE, `wav` the same in a WAV file, streamed on the TTFB model. The
 * compressed formats OpenAI also offers are refused as OpenAI refuses a value it does not support.
 */
export function createOpenAiSpeechHandler(options: {
  synthesiser: TtsSynthesiser;
  faults: FaultSource;
  endpoint: string;
  seed: string | number;
  baseUrl?: string;
  speechLog?: SpeechLog;
}): HttpHandler {
  const { synthesiser, faults, endpoint, seed } = options;
  const seen = new Map<number, number>();
  return http.post(`${options.baseUrl ?? '*'}/v1/audio/speech`, async ({ request }) => {
    const raw = await request.text();
    const bodyHash = hash32(raw);
    const n = (seen.get(bodyHash) ?? 0) + 1;
    seen.set(bodyHash, n);
    const requestId = `req_${hash32(`${seed}:${endpoint}:${bodyHash}:${n}`).toString(16).padStart(8, '0')}`;
    const headers = { 'x-request-id': requestId, 'x-callstorm-endpoint': endpoint };
    let body: Record<string, unknown>;
    try {
      const parsed: unknown = JSON.parse(raw);
      if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed))
        throw new Error('not an object');
      body = parsed as Record<string, unknown>;
    } catch {
      return HttpResponse.json(
        openAiError(400, 'We could not parse the JSON body of your request.', null, null),
        { status: 400, headers },
      );
    }
    for (const name of ['model', 'input', 'voice']) {
      if (body[name] === undefined)
        return bad(`Missing required parameter: '${name}'.`, name, 'missing_required_parameter', headers);
    }
    const { input, voice } = body;
    if (typeof input !== 'string' || input.trim() === '')
      return bad(
        "Invalid value for 'input': expected a non-empty string.",
        'input',
        'invalid_value',
        headers,
      );
    if (input.length > MAX_INPUT_CHARS)
      return bad(
        `Invalid 'input': string too long. Expected a string with maximum length ${MAX_INPUT_CHARS}, but got a string with length ${input.length} instead.`,
        'input',
        'string_above_max_length',
        headers,
      );
    const voiceName = typeof voice === 'string' ? voice : (voice as { id?: unknown } | null)?.id;
    if (typeof voiceName !== 'string' || voiceName === '')
      return bad("Invalid value for 'voice'.", 'voice', 'invalid_value', headers);
    const responseFormat = body['response_format'] ?? 'mp3';
    if (typeof responseFormat !== 'string' || !OPENAI_FORMATS.includes(responseFormat))
      return bad(
        `Invalid value: '${String(responseFormat)}'. Supported values are: 'mp3', 'opus', 'aac', 'flac', 'wav', and 'pcm'.`,
        'response_format',
        'invalid_value',
        headers,
      );
    if (responseFormat !== 'pcm' && responseFormat !== 'wav')
      return bad(
        `Invalid value: '${responseFormat}'. The callstorm simulator supports response_format 'pcm' and 'wav' only.`,
        'response_format',
        'invalid_value',
        headers,
      );
    if (body['stream_format'] !== undefined && body['stream_format'] !== 'audio')
      return bad(
        `Invalid value: '${String(body['stream_format'])}'. The callstorm simulator supports stream_format 'audio' only.`,
        'stream_format',
        'invalid_value',
        headers,
      );
    const speed = body['speed'] ?? 1;
    if (typeof speed !== 'number' || !(speed >= 0.25 && speed <= 4))
      return bad(
        `Invalid 'speed': expected a number from 0.25 to 4.0, got ${JSON.stringify(speed)}.`,
        'speed',
        'invalid_value',
        headers,
      );

    const gate = await faultGate({
      faults,
      signal: request.signal,
      context: { simulator: 'tts', endpoint, method: 'POST', path: '/v1/audio/speech' },
      rngKey: [seed, 'tts-faults', endpoint, 'openai', bodyHash, n],
      headers,
      errorBody: (status, message) => openAiError(status, message, null, null),
    });
    if (gate.response) return gate.response;

    const format: TtsFormat = {
      encoding: 'linear16',
      sampleRate: OPENAI_RATE,
      container: responseFormat === 'wav' ? 'wav' : 'none',
    };
    const synthesis = synthesiser.synthesise(input, `openai:${bodyHash}:${n}`, speed);
    const samples = synthesiser.render(input, {
      sampleRate: OPENAI_RATE,
      audioMs: synthesis.audioMs,
      voice: voiceName,
    });
    options.speechLog?.record({ wire: 'openai', text: input, audioMs: synthesis.audioMs, ...format });
    const chunks = chunkSpeech(encodeSpeech(samples, format), format, synthesis.chunkMs);
    return new HttpResponse(speechStream(chunks, synthesis, request.signal), {
      headers: {
        ...headers,
        'content-type': responseFormat === 'wav' ? 'audio/wav' : 'audio/pcm',
        'x-callstorm-audio-ms': String(synthesis.audioMs),
      },
    });
  });
}
