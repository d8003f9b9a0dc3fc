import { existsSync, readFileSync } from 'node:fs';

/** Alive and not a zombie (a SIGKILLed parent's orphans are reaped by whoever adopts them). */
export function processAlive(pid: number): boolean {
  if (existsSync('/proc/self/stat')) {
    const stat = `/proc/${pid}/stat`;
    if (!existsSync(stat)) return false;
    return !/^\d+ \(.*\) Z/.test(readFileSync(stat, 'utf8'));
  }
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
