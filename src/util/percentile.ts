/**
 * Nearest-rank percentile: the smallest value with at least `p` % of the values at or below it
 * (p50 of 1..10 is 5, p95 is 10); null when there are no values. The one percentile callstorm
 * computes — SLO thresholds, drill probes, the report's latency windows and the run's progress all
 * use it, over the exact values in the call records. Pure; the input is not modified.
 */
export function percentile(values: ArrayLike<number>, p: number): number | null {
  const n = values.length;
  if (n === 0) return null;
  const sorted = Float64Array.from(values).sort();
  const rank = Math.ceil((p / 100) * n);
  return sorted[Math.min(n, Math.max(1, rank)) - 1]!;
}
