import { z } from 'zod';
import type { GroundTruth } from '../simulators/dependencies/ground-truth.ts';
import type { StreamRegistry } from '../simulators/dependencies/stream-registry.ts';
import type { StreamStats } from '../simulators/dependencies/stream-stats.ts';
import type { ControlAction, ControlView } from './control-api.ts';

const callBody = z.strictObject({ callId: z.string().min(1).max(200) });
const SHAPE = '{"callId": "cs-<seed>-<index>"}';

/**
 * The control endpoints of a simulator's live streams:
 * - `GET /__callstorm/streams` (and `DELETE` to reset): counters and the latency histogram;
 * - `POST /__callstorm/calls/ended {"callId"}`: the run says a call ended, so its streams still
 *   open after the grace period count as leaked; answers how many are open now;
 * - `POST /__callstorm/streams/call {"callId"}` (ASR only): each utterance's speech-to-text latency.
 */
export function streamControl(options: {
  stats: StreamStats;
  registry: StreamRegistry;
  groundTruth?: GroundTruth;
}): { views: Record<string, ControlView>; actions: Record<string, ControlAction> } {
  const { stats, registry, groundTruth } = options;
  const actions: Record<string, ControlAction> = {
    'calls/ended': {
      body: callBody,
      shape: SHAPE,
      run: ({ callId }) => ({ callId, openStreams: registry.callEnded(callId).open }),
    } satisfies ControlAction<z.infer<typeof callBody>>,
  };
  if (groundTruth) {
    actions['streams/call'] = {
      body: callBody,
      shape: SHAPE,
      run: ({ callId }) => ({ callId, utterances: groundTruth.speechToTextOfCall(callId) }),
    } satisfies ControlAction<z.infer<typeof callBody>>;
  }
  return {
    views: { streams: { get: () => stats.snapshot(), reset: () => stats.reset() } },
    actions,
  };
}
