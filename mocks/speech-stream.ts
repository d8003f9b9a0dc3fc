import type { Synthesis } from '../simulators/dependencies/tts-synthesiser.ts';
import { sleep } from '../src/util/abortable-sleep.ts';

/**
 * A TTS answer's body on the time-to-first-byte model: nothing for `ttfbMs`, then the chunks, each
 * after `chunkIntervalMs` (faster than real time, as a vendor's GPU is). Stops when the client goes.
 */
export function speechStream(
  chunks: readonly Uint8Array[],
  synthesis: Synthesis,
  signal: AbortSignal,
): ReadableStream<Uint8Array> {
  const emit = async (controller: ReadableStreamDefaultController<Uint8Array>) => {
    await sleep(synthesis.ttfbMs, signal);
    for (const [i, chunk] of chunks.entries()) {
      if (signal.aborted) return;
      if (i > 0) await sleep(synthesis.chunkIntervalMs, signal);
      controller.enqueue(chunk);
    }
    controller.close();
  };
  return new ReadableStream<Uint8Array>({
    start(controller) {
      emit(controller).catch(() => {
        // The client went away.
      });
    },
  });
}
