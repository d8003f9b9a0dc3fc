import type { RunLoad } from '../telemetry/run-manifest.ts';
import type { CallObservation } from './call-observation.ts';
import type { DriverSummary } from './open-model-driver.ts';

/**
 * How long a call would have lasted in real time (speed 1): the caller's speech and pauses of
 * every turn taken (scenario ms), the agent audio they heard, and the agent's response times
 * (wall ms, which `--speed` does not compress).
 */
export function realTimeCallMs(o: CallObservation): number {
  let ms = o.agentAudioMs;
  for (const t of o.turns) {
    const planned = o.plan.turns[t.index];
    ms += (planned?.speechMs ?? 0) + (planned?.thinkMs ?? 0) + (t.voiceToVoiceMs ?? 0);
  }
  return ms;
}

/** Accumulates judged calls' real-time durations; with the driver's summary, the run's load. */
export class RunLoadMeter {
  #calls = 0;
  #ms = 0;

  observe(observation: CallObservation): void {
    this.#calls++;
    this.#ms += realTimeCallMs(observation);
  }

  /** The load, for a window of `windowMs` scenario ms expected to hold `expectedCalls`. */
  load(driver: DriverSummary | null, window: { expectedCalls: number; windowMs: number }): RunLoad | null {
    if (!driver || driver.started === 0) return null;
    const arrivalsPerSecond = window.windowMs > 0 ? window.expectedCalls / (window.windowMs / 1000) : 0;
    const meanCallSeconds = this.#calls > 0 ? this.#ms / this.#calls / 1000 : null;
    const concurrency = meanCallSeconds === null ? null : arrivalsPerSecond * meanCallSeconds;
    return {
      offered: { peak: driver.peakInFlight, mean: driver.meanInFlight },
      realTime: { arrivalsPerSecond, meanCallSeconds, concurrency },
      factor: concurrency ? driver.meanInFlight / concurrency : null,
    };
  }
}
