/**
 * The n equal execution segments of a distributed k6 run: runner k (1-based) is started with
 * `--execution-segment "(k-1)/n:k/n" --execution-segment-sequence "0,1/n,…,1"` and plays shard k
 * of the plans (indices k-1, k-1+n, …): see `planPosition` in k6-call-protocol.ts.
 */
export function executionSegments(n: number): {
  readonly sequence: string;
  readonly segments: readonly string[];
} {
  const point = (i: number) => (i === 0 ? '0' : i === n ? '1' : `${i}/${n}`);
  const sequence = Array.from({ length: n + 1 }, (_, i) => point(i)).join(',');
  const segments = Array.from({ length: n }, (_, i) => `${point(i)}:${point(i + 1)}`);
  return { sequence, segments };
}
