import { parentPort, workerData } from 'node:worker_threads';
import type { CallPlan } from '../../simulators/callers/call-plan.ts';
import type { SpeechPopulation } from '../../simulators/callers/caller-voice.ts';
import { SpeechCache } from '../../simulators/callers/speech-cache.ts';
import { encodeUtterance, TELEPHONY_RATE } from '../../simulators/callers/speech-formats.ts';
import { SpeechRenderer } from '../../simulators/callers/speech-renderer.ts';

/** What the pool sends a worker when it starts it. */
export interface CallerSpeechWorkerData {
  readonly population: SpeechPopulation;
  readonly cacheDir: string;
}

/** A render request, and its answer (the utterance as μ-law 8 kHz, where its speech is). */
export interface CallerSpeechRequest {
  readonly id: number;
  readonly plan: CallPlan;
  readonly turnIndex: number;
}
export type CallerSpeechAnswer =
  | {
      readonly id: number;
      readonly utteranceId: string;
      readonly mulaw: Uint8Array;
      readonly speech: { readonly startMs: number; readonly endMs: number };
    }
  | { readonly id: number; readonly error: string };

// A worker thread of caller-speech-pool.ts: renders caller speech off the media clock's thread.
if (parentPort) {
  const port = parentPort;
  const data = workerData as CallerSpeechWorkerData;
  const renderer = new SpeechRenderer({ population: data.population, cache: new SpeechCache(data.cacheDir) });
  port.on('message', (request: CallerSpeechRequest) => {
    const turn = request.plan.turns[request.turnIndex];
    if (!turn) {
      port.postMessage({ id: request.id, error: `the plan has no turn ${request.turnIndex}` });
      return;
    }
    renderer.render(request.plan, turn).then(
      (rendered) => {
        const bytes = encodeUtterance(rendered, 'mulaw', TELEPHONY_RATE);
        const mulaw =
          bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength ? bytes : bytes.slice();
        const answer: CallerSpeechAnswer = {
          id: request.id,
          utteranceId: rendered.utteranceId,
          mulaw,
          speech: rendered.speech,
        };
        port.postMessage(answer, [mulaw.buffer as ArrayBuffer]);
      },
      (error: unknown) => {
        port.postMessage({ id: request.id, error: error instanceof Error ? error.message : String(error) });
      },
    );
  });
}
