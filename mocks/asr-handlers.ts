import { type HttpHandler, HttpResponse, http } from 'msw';
import { decodeUtteranceId } from '../simulators/callers/utterance-audio.ts';
import type { AsrRecogniser, Recognition } from '../simulators/dependencies/asr-recogniser.ts';
import { callIdOfUtterance } from '../simulators/dependencies/ground-truth.ts';
import type { UtteranceLinker } from '../simulators/dependencies/utterance-linker.ts';
import { hash32, seeded } from '../simulators/seeded-random.ts';
import { CallstormError } from '../src/errors/callstorm-error.ts';
import { sleep } from '../src/util/abortable-sleep.ts';
import { faultGate } from './fault-gate.ts';
import { type FaultSource, noFaults } from './fault-source.ts';
import { decodeListenAudio, type ListenAudio } from './listen-audio.ts';

/** Links speech audio to its planned utterance; `settled` waits for announced candidates. */
export interface SpeechLinker extends UtteranceLinker {
  settled?(): Promise<void>;
}

export interface AsrHandlerOptions {
  recogniser: AsrRecogniser;
  faults?: FaultSource;
  /** Named endpoint for fault targeting and headers (default `asr`). */
  endpoint?: string;
  /** Prefix of the handler paths: `*` (default) matches any origin; or e.g. `http://asr.sim`. */
  baseUrl?: string;
  /** Seed of fault draws and request ids (default: 0). */
  seed?: string | number;
  /** Wall clock for `metadata.created` (default Date.now). */
  now?: () => number;
  /**
   * Audio that carries no tagged utterance id (speech) is linked to its planned utterance by this
   * (the `acoustic` linker); without it, or when it cannot decide, the transcript is empty.
   */
  speechLinker?: SpeechLinker;
}

/** Deepgram pre-recorded response (`POST /v1/listen`), the fields callstorm fills. */
export interface ListenResponse {
  metadata: {
    transaction_key: string;
    request_id: string;
    sha256: string;
    created: string;
    duration: number;
    channels: 1;
    models: string[];
    model_info: Record<string, { name: string; version: string; arch: string }>;
  };
  results: {
    channels: [
      {
        alternatives: [
          {
            transcript: string;
            confidence: number;
            words: {
              word: string;
              start: number;
              end: number;
              confidence: number;
              punctuated_word: string;
            }[];
          },
        ];
      },
    ];
  };
}

const MODEL_ID = '1abfe86b-e047-4eed-858a-35e5625b41ee';

/** A uuid-shaped id that is a function of its parts (replayable runs). */
export function stableUuid(...parts: (string | number)[]): string {
  const rng = seeded('uuid', ...parts);
  const hex = Array.from({ length: 32 }, () => Math.floor(rng() * 16).toString(16)).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20)}`;
}

export function listenBody(
  recognition: Recognition,
  requestId: string,
  model: string,
  created: string,
): ListenResponse {
  return {
    metadata: {
      transaction_key: 'deprecated',
      request_id: requestId,
      sha256: hash32(requestId).toString(16).padStart(8, '0').repeat(8),
      created,
      duration: Math.round(recognition.durationMs) / 1000,
      channels: 1,
      models: [MODEL_ID],
      model_info: {
        [MODEL_ID]: { name: model, version: '2024-01-09.29447', arch: model.split('-')[0] ?? model },
      },
    },
    results: {
      channels: [
        {
          alternatives: [
            {
              transcript: recognition.transcript,
              confidence: recognition.confidence,
              words: recognition.words.map((w) => ({ ...w })),
            },
          ],
        },
      ],
    },
  };
}

/** Deepgram's error body for an injected fault status. */
function deepgramErrorBody(status: number, message: string, requestId: string) {
  return {
    err_code: status >= 500 ? 'INTERNAL_SERVER_ERROR' : 'Bad Request',
    err_msg: message,
    request_id: requestId,
  };
}

function deepgramError(status: number, message: string, requestId: string): Response {
  const code = status === 429 ? 'TOO_MANY_REQUESTS' : status >= 500 ? 'INTERNAL_SERVER_ERROR' : 'Bad Request';
  return HttpResponse.json({ err_code: code, err_msg: message, request_id: requestId }, { status });
}

/** Deepgram-style `POST /v1/listen` over the ASR recogniser. */
export function createAsrHandlers(options: AsrHandlerOptions): HttpHandler[] {
  const { recogniser } = options;
  const faults = options.faults ?? noFaults;
  const endpoint = options.endpoint ?? 'asr';
  const seed = options.seed ?? 0;
  const now = options.now ?? Date.now;
  const base = options.baseUrl ?? '*';
  let anonymous = 0;
  let segments = 0;

  /** The utterance the audio is: its tagged id, else what the speech linker links it to. */
  async function identify(audio: ListenAudio): Promise<{ id: string | null; link: string }> {
    const tagged = audio.encoding === 'mulaw' ? decodeUtteranceId(audio.bytes) : null;
    if (tagged !== null) return { id: tagged, link: 'tagged' };
    const linker = options.speechLinker;
    if (!linker || audio.samples.length === 0) return { id: null, link: 'none' };
    // The segment starts now (what was playing when the audio arrived), once what was announced is ready.
    const segment = linker.segment({
      sampleRate: audio.sampleRate,
      streamId: `${endpoint}-rest-${++segments}`,
    });
    await linker.settled?.();
    segment.push(audio.samples);
    const decision = segment.end();
    return decision.status === 'linked'
      ? { id: decision.utteranceId, link: linker.method }
      : { id: null, link: `${linker.method}:${decision.reason}` };
  }

  return [
    http.post(`${base}/v1/listen`, async ({ request }) => {
      const url = new URL(request.url);
      const model = url.searchParams.get('model') ?? 'base';
      const body = new Uint8Array(await request.arrayBuffer());
      let audio: ListenAudio | null = null;
      let badAudio = 'empty audio body';
      try {
        if (body.length > 0) audio = decodeListenAudio(url, request.headers.get('content-type'), body);
      } catch (error) {
        if (!(error instanceof CallstormError)) throw error;
        badAudio = error.message;
      }
      const { id: utteranceId, link } = audio ? await identify(audio) : { id: null, link: 'none' };
      const attempt = utteranceId === null ? ++anonymous : recogniser.nextAttempt(utteranceId);
      const requestId = stableUuid(seed, endpoint, utteranceId ?? 'anonymous', attempt);
      if (!audio) return deepgramError(400, badAudio, requestId);

      const ref = recogniser.lookup(utteranceId);
      const callId = utteranceId === null ? undefined : callIdOfUtterance(utteranceId);
      const gate = await faultGate({
        faults,
        signal: request.signal,
        context: {
          simulator: 'asr',
          endpoint,
          method: 'POST',
          path: '/v1/listen',
          ...(ref ? { cohort: ref.plan.cohort } : {}),
          ...(callId ? { callId } : {}),
        },
        rngKey: [seed, 'asr-faults', endpoint, utteranceId ?? `anonymous-${attempt}`, attempt],
        errorBody: (status, message) => deepgramErrorBody(status, message, requestId),
      });
      if (gate.response) return gate.response;
      const { effects, rng } = gate;
      if (effects.asr.errorRate > 0 && rng() < effects.asr.errorRate) {
        return deepgramError(503, 'simulated recogniser failure', requestId);
      }
      const recognition = recogniser.recognise({
        utteranceId,
        audioMs: (audio.samples.length * 1000) / audio.sampleRate,
        attempt,
        ...(effects.asr.confidenceMean === undefined ? {} : { faultMean: effects.asr.confidenceMean }),
      });
      await sleep(recognition.latencyMs, request.signal);
      return HttpResponse.json(listenBody(recognition, requestId, model, new Date(now()).toISOString()), {
        headers: { 'dg-request-id': requestId, 'x-callstorm-endpoint': endpoint, 'x-callstorm-link': link },
      });
    }),
  ];
}
