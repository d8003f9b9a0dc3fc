import { z } from 'zod';
import type { GroundTruth } from '../simulators/dependencies/ground-truth.ts';
import type { StreamStats } from '../simulators/dependencies/stream-stats.ts';
import type { ControlAction, ControlView } from './control-api.ts';

const callBody = z.strictObject({ callId: z.string().min(1).max(200) });
const SHAPE = '{"callId": "cs-<seed>-<index>"}';

/**
 * The control endpoints of a simulator's live streams:
 * - `GET /__callstorm/streams` (and `DELETE` to reset): counters and the latency histogram;
 * - `POST /__callstorm/streams/call {"callId"}` (ASR only): each utterance's speech-to-text latency.
 *
 * When a call ends is told once for the whole suite (`POST /__callstorm/calls/ended`, in
 * calls-control.ts): streams still open after the grace count as leaked.
 */
export function streamControl(options: { stats: StreamStats; groundTruth?: GroundTruth }): {
  views: Record<string, ControlView>;
  actions: Record<string, ControlAction>;
} {
  const { stats, groundTruth } = options;
  const actions: Record<string, ControlAction> = {};
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
