/**
 * A drill states its faults in scenario time; a run at `--speed` N plays N scenario seconds in
 * one wall second. A fault parameter that is itself measured against scenario time must be
 * converted before it reaches a simulator or Toxiproxy, which only know wall time:
 *
 * - `rate`: per scenario second (a rate limit's `rps`): the scenario's traffic arrives N times
 *   faster, so it becomes N times as many per wall second;
 * - `duration`: scenario milliseconds (how long something lasts in the callers' world): it becomes
 *   N times shorter in wall time.
 *
 * Parameters not named are left alone: latencies and network timeouts are real at any speed (the
 * agent's and its dependencies' own clocks are not compressed), and counts or shares are not times.
 */
export type SpeedScale = 'rate' | 'duration';

/** The numeric parameters of `P` that scale with `--speed`, and how. Absent: none scales. */
export type SpeedScaling<P> = {
  readonly [K in keyof P as NonNullable<P[K]> extends number ? K : never]?: SpeedScale;
};

/** One parameter that was converted: its value as the drill states it and as it was sent. */
export interface ScaledParam {
  readonly scenario: number;
  readonly wall: number;
  readonly scale: SpeedScale;
}

/**
 * Converts the parameters named in `scaling` from scenario time to wall time at `speed`. A scaled
 * parameter the caller left out takes its value from `defaults` (the schema's defaults), so a
 * default stated in scenario time scales too. Returns the new parameters and what was converted.
 */
export function toWallTime(
  params: Readonly<Record<string, unknown>>,
  scaling: Readonly<Record<string, SpeedScale | undefined>> | undefined,
  speed: number,
  defaults: Readonly<Record<string, unknown>> = {},
): { params: Record<string, unknown>; scaled: Record<string, ScaledParam> } {
  const out: Record<string, unknown> = { ...params };
  const scaled: Record<string, ScaledParam> = {};
  if (speed === 1 || !scaling) return { params: out, scaled };
  for (const [key, scale] of Object.entries(scaling)) {
    const value = Object.hasOwn(params, key) ? params[key] : defaults[key];
    if (scale === undefined || typeof value !== 'number') continue;
    const wall = scale === 'rate' ? value * speed : value / speed;
    out[key] = wall;
    scaled[key] = { scenario: value, wall, scale };
  }
  return { params: out, scaled };
}
