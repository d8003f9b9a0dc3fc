import { monitorEventLoopDelay } from 'node:perf_hooks';

/** One process's own health since it was last reset: what a run needs to know it could carry the load. */
export interface ProcessHealthReading {
  readonly pid: number;
  /** p99 of the event-loop delay, ms (null before anything was measured). */
  readonly eventLoopDelayP99Ms: number | null;
  /** The worst event-loop delay seen, ms. */
  readonly eventLoopDelayMaxMs: number | null;
  /** CPU this process used, % of one core, over `sinceMs`. */
  readonly cpuPercent: number | null;
  /** Wall ms measured over. */
  readonly sinceMs: number;
}

/**
 * Measures this process's event-loop delay (perf_hooks' histogram, 10 ms resolution) and CPU
 * from the last reset: what the simulators and the reference agent report to the run, as the
 * driver measures itself.
 */
export class ProcessHealthMonitor {
  readonly #loop = monitorEventLoopDelay({ resolution: 10 });
  #cpu = process.cpuUsage();
  #wall = performance.now();

  constructor() {
    this.#loop.enable();
  }

  /** Starts measuring afresh (the run calls it when its calls start). */
  reset(): void {
    this.#loop.reset();
    this.#cpu = process.cpuUsage();
    this.#wall = performance.now();
  }

  read(): ProcessHealthReading {
    const sinceMs = performance.now() - this.#wall;
    const cpu = process.cpuUsage(this.#cpu);
    const measured = this.#loop.count > 0;
    const ms = (ns: number) => Math.round((ns / 1e6) * 10) / 10;
    return {
      pid: process.pid,
      eventLoopDelayP99Ms: measured ? ms(this.#loop.percentile(99)) : null,
      eventLoopDelayMaxMs: measured ? ms(this.#loop.max) : null,
      cpuPercent: sinceMs > 0 ? Math.round(((cpu.user + cpu.system) / 1000 / sinceMs) * 1000) / 10 : null,
      sinceMs: Math.round(sinceMs),
    };
  }

  close(): void {
    this.#loop.disable();
  }
}
