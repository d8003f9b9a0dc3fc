import type { HarnessHealth, ProcessHealth, RunLoad } from '../telemetry/run-manifest.ts';

const one = (x: number) => (x >= 10 ? x.toFixed(0) : x.toFixed(1));

/** `offered 41 calls at once at peak (mean 23.5) against 0.24 in real time: ×98 its real-time load`. */
export function loadWords(load: RunLoad | null | undefined): string {
  if (load === null || load === undefined) return 'not recorded';
  const rt = load.realTime;
  const real =
    rt.concurrency === null
      ? 'no call finished, so no real-time concurrency'
      : `${rt.concurrency.toFixed(2)} in real time (${rt.arrivalsPerSecond.toFixed(3)} calls/s × ${one(rt.meanCallSeconds ?? 0)} s a call)`;
  const factor = load.factor === null ? '' : `: ×${one(load.factor)} its real-time load`;
  return `offered ${load.offered.peak} calls at once at peak (mean ${one(load.offered.mean)}) against ${real}${factor}`;
}

function processWords(name: string, p: ProcessHealth | null): string {
  if (p === null) return `${name}: not reported`;
  const loop =
    p.eventLoopDelayP99Ms === null ? 'event loop —' : `event loop p99 ${one(p.eventLoopDelayP99Ms)} ms`;
  const cpu = p.cpuPercent === null ? 'CPU —' : `CPU ${p.cpuPercent.toFixed(0)} % of a core`;
  return `${name}: ${loop}, ${cpu}`;
}

/** The harness's own health in one line: each process, and how late the drill's faults took effect. */
export function harnessWords(h: HarnessHealth | null | undefined): string {
  if (h === null || h === undefined) return 'not recorded';
  const parts = [
    processWords('driver', h.driver),
    processWords('simulators', h.simulators),
    processWords('agent', h.agent),
  ];
  const f = h.faults;
  if (f !== null && f !== undefined) {
    parts.push(
      f.late.length === 0
        ? `faults: ${f.measured} applies and removes on time (latest ${one(f.maxWallMs)} ms wall)`
        : `faults: ${f.late.length} of ${f.measured} applies and removes late, the latest ${f.late[0]!.faultId} ${f.late[0]!.action} ${one(f.late[0]!.lagWallMs)} ms wall (${Math.round(f.late[0]!.lagScenarioMs / 1000)} s of scenario time)`,
    );
  }
  return parts.join('; ');
}
