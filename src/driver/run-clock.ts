/**
 * Maps scenario time (ms after the window start) to wall time and back for a run at `speed`
 * (speed 240 plays four scenario hours in one wall minute). Caller behaviour and the fault
 * timeline live in scenario time; agent and dependency latencies are real wall time.
 */
export interface RunClock {
  readonly speed: number;
  /** performance.now() at scenario time 0. */
  readonly originWallMs: number;
  /** Wall time (performance.now() scale) of a scenario instant. */
  wallAt(scenarioMs: number): number;
  /** Scenario instant of a wall time. */
  scenarioAt(wallMs: number): number;
  /** Scenario now. */
  now(): number;
  /** Wall ms until a scenario instant (negative if past). */
  wallUntil(scenarioMs: number): number;
}

export function createRunClock(speed: number, originWallMs = performance.now()): RunClock {
  if (!(speed > 0) || !Number.isFinite(speed))
    throw new RangeError(`speed must be a positive number, got ${speed}`);
  return {
    speed,
    originWallMs,
    wallAt: (scenarioMs) => originWallMs + scenarioMs / speed,
    scenarioAt: (wallMs) => (wallMs - originWallMs) * speed,
    now: () => (performance.now() - originWallMs) * speed,
    wallUntil: (scenarioMs) => originWallMs + scenarioMs / speed - performance.now(),
  };
}
