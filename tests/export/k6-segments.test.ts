import { describe, expect, test } from 'vitest';
import { planPosition, shardOfSegment } from '../../src/export/k6/k6-call-protocol.ts';
import { executionSegments } from '../../src/export/k6/k6-segments.ts';

describe('execution segments pick disjoint plan stripes', () => {
  test.each([1, 2, 3, 4, 7, 10])(
    'n = %i: each runner finds its shard from its segment; stripes partition',
    (n) => {
      const { segments, sequence } = executionSegments(n);
      expect(sequence.split(',')).toHaveLength(n + 1);
      const total = 103;
      const owners = new Array<number>(total).fill(0);
      segments.forEach((segment, i) => {
        const shard = shardOfSegment(segment, n);
        expect(shard).toBe(i + 1);
        // Shard file k holds indices k-1, k-1+n, …: position floor(i/n) within it.
        const held = Array.from({ length: total }, (_, j) => j).filter((j) => j % n === i);
        for (let it = 0; it < total; it++) {
          const pos = planPosition(it, shard, n);
          if (pos >= 0) {
            expect(held[pos]).toBe(it);
            owners[it]! += 1;
          }
        }
      });
      expect(owners.every((c) => c === 1)).toBe(true);
    },
  );

  test('decimal and percentage segments, and odd ones, resolve or fall back to all shards', () => {
    expect(shardOfSegment('0.25:0.5', 4)).toBe(2);
    expect(shardOfSegment('50%:75%', 4)).toBe(3);
    expect(shardOfSegment('1/4', 4)).toBe(1);
    expect(shardOfSegment('0:1/3', 4)).toBeNull();
    expect(shardOfSegment(undefined, 4)).toBeNull();
    expect(planPosition(17, null, 4)).toBe(17);
  });
});
