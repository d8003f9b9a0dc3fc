import { z } from 'zod';
import type { SpeechLog } from '../simulators/dependencies/speech-log.ts';
import type { ControlAction, ControlView } from './control-api.ts';

const callBody = z.strictObject({ callId: z.string().min(1).max(200) });

/**
 * The TTS simulator's record of what it was asked to say:
 * - `GET /__callstorm/speech` (and `DELETE` to reset): totals, attribution, the latest texts;
 * - `POST /__callstorm/speech/call {"callId"}`: every text attributed to that call, in order.
 */
export function speechControl(log: SpeechLog): {
  views: Record<string, ControlView>;
  actions: Record<string, ControlAction>;
} {
  return {
    views: { speech: { get: () => log.summary(), reset: () => log.reset() } },
    actions: {
      'speech/call': {
        body: callBody,
        shape: '{"callId": "cs-<seed>-<index>"}',
        run: ({ callId }) => ({ callId, spoken: log.ofCall(callId) }),
      } satisfies ControlAction<z.infer<typeof callBody>>,
    },
  };
}
