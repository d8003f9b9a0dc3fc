import type { z } from 'zod';
import type { AcousticLinker } from '../simulators/dependencies/acoustic-linker.ts';
import { playbackAnnouncementSchema } from '../simulators/dependencies/playback-registry.ts';
import type { ControlAction, SimulatorControl } from './control-api.ts';

/**
 * The ASR simulator's control endpoints for linking speech:
 * - `POST /__callstorm/playing` `{"playing":[{"utteranceId","startedAt"}]}` (epoch ms): the harness
 *   started playing these utterances; answers `{"accepted": n}` at once and prepares them.
 * - `GET /__callstorm/linking`: the linker's counters (linked, unknown by reason) and the registry's.
 */
export function asrLinkingControl(linker: AcousticLinker): SimulatorControl {
  return {
    actions: {
      playing: {
        body: playbackAnnouncementSchema,
        shape: '{"playing":[{"utteranceId":"cs-1-0.u0","startedAt":<epoch ms>}]}',
        run: ({ playing }) => linker.registry.announce(playing),
      } satisfies ControlAction<z.infer<typeof playbackAnnouncementSchema>>,
    },
    views: {
      linking: {
        get: () => ({ method: linker.method, ...linker.counters, registry: linker.registry.stats }),
      },
    },
  };
}
