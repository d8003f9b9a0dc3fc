import { cpus } from 'node:os';
import { sleep } from './abortable-sleep.ts';

function totals(): { idle: number; total: number } {
  let idle = 0;
  let total = 0;
  for (const c of cpus()) {
    idle += c.times.idle;
    total += c.times.user + c.times.nice + c.times.sys + c.times.idle + c.times.irq;
  }
  return { idle, total };
}

/**
 * Cores this machine leaves idle right now: the idle share of every core over `ms` of wall time,
 * times the number of cores (2 cores with one kept busy by another process: about 1).
 */
export async function idleCores(ms = 1_000, signal?: AbortSignal): Promise<number> {
  const before = totals();
  await sleep(ms, signal);
  const after = totals();
  const total = after.total - before.total;
  const share = total > 0 ? (after.idle - before.idle) / total : 1;
  return Math.max(0, share) * cpus().length;
}
