import type { HarnessHealth, ProcessHealth } from '../telemetry/run-manifest.ts';

/**
 * Where the harness, not the agent, is to blame (docs/reports.md, "Harness health"). Beyond
 * these the simulators' and the reference agent's own latencies and timeouts are the machine's:
 * their timers fire late, their replies queue, and the calls they fail describe the harness.
 */
export const HARNESS_LIMITS = {
  /** p99 of a process's event-loop delay, ms: every timer and reply of it that much late. */
  eventLoopDelayP99Ms: 100,
  /** CPU of one process, % of one core: a Node process at this is saturated (one thread). */
  cpuPercent: 90,
} as const;

const speedWords = (speed: number) =>
  `this machine cannot carry ×${speed.toLocaleString('en-GB', { maximumFractionDigits: 3 })}; lower --speed`;

function processProblems(name: string, p: ProcessHealth | null, speed: number): string[] {
  if (p === null) return [];
  const out: string[] = [];
  if (p.eventLoopDelayP99Ms !== null && p.eventLoopDelayP99Ms > HARNESS_LIMITS.eventLoopDelayP99Ms) {
    out.push(
      `${name} event loop lagged p99 ${Math.round(p.eventLoopDelayP99Ms)} ms (limit ${HARNESS_LIMITS.eventLoopDelayP99Ms} ms): ${speedWords(speed)}`,
    );
  }
  if (p.cpuPercent !== null && p.cpuPercent > HARNESS_LIMITS.cpuPercent) {
    out.push(
      `${name} process used ${Math.round(p.cpuPercent)} % of a core (limit ${HARNESS_LIMITS.cpuPercent} %), saturated: ${speedWords(speed)}`,
    );
  }
  return out;
}

/**
 * Why the harness could not carry the run, with the blame on the right process (empty: it
 * could): the simulators' or the reference agent's event loop or CPU past HARNESS_LIMITS, or a
 * drill's fault applied or removed later than its wall-time limit against the timeline.
 */
export function harnessProblems(h: HarnessHealth, speed: number): string[] {
  const out = [
    ...processProblems("the simulators'", h.simulators, speed),
    ...processProblems("the reference agent's", h.agent, speed),
  ];
  const late = h.faults?.late[0];
  if (h.faults && late) {
    const verb = late.action === 'apply' ? 'applied' : 'removed';
    const scenarioS = Math.round(late.lagScenarioMs / 1000);
    const what =
      late.atMs === null
        ? `fault ${late.faultId} was never ${verb} (due ${scenarioS} s of scenario time before the run stopped, at ×${speed})`
        : `fault ${late.faultId} was ${verb} ${(late.lagWallMs / 1000).toFixed(1)} s late (${scenarioS} s of scenario time at ×${speed}; limit ${h.faults.lateAfterWallMs} ms)`;
    const more = h.faults.late.length > 1 ? `, and ${h.faults.late.length - 1} more fault events late` : '';
    out.push(`${what}${more}: the chaos orchestrator could not keep the drill's timeline; lower --speed`);
  }
  return out;
}
