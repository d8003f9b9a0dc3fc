import type { AcousticLinker } from '../simulators/dependencies/acoustic-linker.ts';
import { PlaybackRegistry } from '../simulators/dependencies/playback-registry.ts';
import type { SimulatorControl } from './simulator-host.ts';

/**
 * The ASR simulator's control endpoints for linking speech:
 * - `POST /__callstorm/playing` `{"playing":[{"utteranceId","startedAt"}]}` (epoch ms): the harness
 *   started playing these utterances; answers `{"accepted": n}` at once and prepares them.
 * - `GET /__callstorm/linking`: the linker's counters (linked, unknown by reason) and the registry's.
 */
export function asrLinkingControl(linker: AcousticLinker): SimulatorControl {
  return {
    actions: {
      playing: { run: (body) => linker.registry.announce(PlaybackRegistry.parse(body)) },
    },
    views: {
      linking: {
        get: () => ({ method: linker.method, ...linker.counters, registry: linker.registry.stats }),
      },
    },
  };
}
