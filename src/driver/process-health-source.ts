import { request } from 'undici';
import { z } from 'zod';
import type { ProcessHealth } from '../telemetry/run-manifest.ts';

/**
 * A process of the harness that reports its own health to the run: reset when the calls start,
 * read when they end. A source that cannot be reached reads as null (nothing reported), never
 * failing the run: the manifest then says so.
 */
export interface ProcessHealthSource {
  reset(): Promise<void>;
  read(): Promise<ProcessHealth | null>;
}

export const NO_HEALTH_SOURCE: ProcessHealthSource = {
  async reset() {},
  async read() {
    return null;
  },
};

const readingSchema = z.object({
  eventLoopDelayP99Ms: z.number().min(0).nullable(),
  cpuPercent: z.number().min(0).nullable(),
});

/** How long the run waits for a health report (wall ms). */
const HEALTH_TIMEOUT_MS = 3_000;

/**
 * The health a process serves at `url` (`GET` it, `DELETE` to reset): the simulators' `GET
 * <crm control>/process`, the reference agent's `GET /__agent/process` (ProcessHealthMonitor).
 */
export function processHealthAt(url: string): ProcessHealthSource {
  const call = async (method: 'GET' | 'DELETE'): Promise<string | null> => {
    try {
      const res = await request(url, {
        method,
        headersTimeout: HEALTH_TIMEOUT_MS,
        bodyTimeout: HEALTH_TIMEOUT_MS,
        signal: AbortSignal.timeout(HEALTH_TIMEOUT_MS),
      });
      const text = await res.body.text();
      return res.statusCode < 300 ? text : null;
    } catch {
      return null;
    }
  };
  return {
    async reset() {
      await call('DELETE');
    },
    async read() {
      const text = await call('GET');
      if (text === null) return null;
      try {
        const r = readingSchema.parse(JSON.parse(text));
        return { eventLoopDelayP99Ms: r.eventLoopDelayP99Ms, cpuPercent: r.cpuPercent };
      } catch {
        return null;
      }
    },
  };
}
