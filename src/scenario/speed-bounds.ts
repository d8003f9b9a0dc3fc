/**
 * What `--speed` (scenario time ÷ wall time) and a review run's `speed` may be. Below 0.1 a peak
 * hour takes more than ten wall hours; above 10,000 a call's turns fall within milliseconds of
 * each other and timers cannot keep them apart.
 */
export const SPEED_BOUNDS = { min: 0.1, max: 10_000 } as const;
