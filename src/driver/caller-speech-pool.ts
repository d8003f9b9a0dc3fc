import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { CallPlan, PlannedTurn } from '../../simulators/callers/call-plan.ts';
import { encodeUtterance, TELEPHONY_RATE } from '../../simulators/callers/speech-formats.ts';
import { SpeechRenderer } from '../../simulators/callers/speech-renderer.ts';
import type {
  CallerSpeechAnswer,
  CallerSpeechRequest,
  CallerSpeechWorkerData,
} from './caller-speech-worker.ts';

/** An utterance as a real-time transport plays it: μ-law 8 kHz, and where its speech is. */
export interface PlayableUtterance {
  readonly utteranceId: string;
  readonly mulaw: Uint8Array;
  readonly speech: { readonly startMs: number; readonly endMs: number };
}

/** Where a real-time transport gets its callers' speech. */
export interface CallerSpeech {
  utterance(plan: CallPlan, turn: PlannedTurn): Promise<PlayableUtterance>;
  close(): Promise<void>;
}

/**
 * A worker thread running caller-speech-worker: the build's .js next to this chunk, or, run from
 * the sources, the .ts through tsx (a worker's own `--import` hooks do not reach its entry module
 * on Node 20, so a small script registers tsx, then imports it).
 */
function startWorker(workerData: CallerSpeechWorkerData): Worker {
  const here = import.meta.url;
  if (!here.endsWith('.ts')) return new Worker(new URL('./caller-speech-worker.js', here), { workerData });
  const entry = new URL('./caller-speech-worker.ts', here).href;
  const tsxPackage = createRequire(here).resolve('tsx/package.json');
  const api = pathToFileURL(tsxPackage.replace(/package\.json$/, 'dist/esm/api/index.mjs')).href;
  const code = `import(${JSON.stringify(api)}).then((tsx) => { tsx.register(); return import(${JSON.stringify(entry)}); })`;
  return new Worker(code, { eval: true, workerData });
}

/**
 * Caller speech for a transport that streams audio in real time. Rendering an utterance costs
 * tens of milliseconds of CPU (tape speed, line noise, resampling); on the thread that paces
 * every call's frames that would be tens of milliseconds of jitter on every call. So a plain
 * SpeechRenderer renders in `threads` worker threads (the same population and speech cache, so
 * the same bytes), answering the μ-law bytes. A subclass (a benchmark's cheap voice) or
 * `threads: 0` renders on the calling thread.
 */
export function createCallerSpeech(
  renderer: SpeechRenderer,
  options: { threads?: number } = {},
): CallerSpeech {
  const threads = options.threads ?? 1;
  if (threads <= 0 || renderer.constructor !== SpeechRenderer) {
    return {
      async utterance(plan, turn) {
        const r = await renderer.render(plan, turn);
        return {
          utteranceId: r.utteranceId,
          mulaw: encodeUtterance(r, 'mulaw', TELEPHONY_RATE),
          speech: r.speech,
        };
      },
      async close() {},
    };
  }
  const data: CallerSpeechWorkerData = { population: renderer.population, cacheDir: renderer.cache.dir };
  const pending = new Map<number, { resolve: (u: PlayableUtterance) => void; reject: (e: Error) => void }>();
  let nextId = 0;
  let round = 0;
  const workers = Array.from({ length: threads }, () => {
    const w = startWorker(data);
    w.unref();
    w.on('message', (answer: CallerSpeechAnswer) => {
      const p = pending.get(answer.id);
      if (!p) return;
      pending.delete(answer.id);
      if ('error' in answer) p.reject(new Error(`caller speech: ${answer.error}`));
      else p.resolve({ utteranceId: answer.utteranceId, mulaw: answer.mulaw, speech: answer.speech });
    });
    w.on('error', (error) => {
      for (const p of pending.values()) p.reject(error);
      pending.clear();
    });
    return w;
  });
  return {
    utterance(plan, turn) {
      const id = nextId++;
      const worker = workers[round++ % workers.length]!;
      return new Promise<PlayableUtterance>((resolve, reject) => {
        pending.set(id, { resolve, reject });
        const request: CallerSpeechRequest = { id, plan, turnIndex: plan.turns.indexOf(turn) };
        worker.postMessage(request);
      });
    },
    async close() {
      for (const p of pending.values()) p.reject(new Error('caller speech closed'));
      pending.clear();
      await Promise.all(workers.map((w) => w.terminate()));
    },
  };
}
