import { expect, test } from 'vitest';
import { TokenBucket } from '../../../simulators/dependencies/token-bucket.ts';

test('starts full, spends whole tokens, refills continuously up to the burst', () => {
  let now = 0;
  const bucket = new TokenBucket({ ratePerSecond: 10, burst: 5, clock: () => now });
  for (let i = 0; i < 5; i++) expect(bucket.take()).toBe(true);
  expect(bucket.take()).toBe(false);
  expect(bucket.msUntilTokens()).toBeCloseTo(100);
  now += 250;
  expect(bucket.take()).toBe(true);
  expect(bucket.take()).toBe(true);
  expect(bucket.take()).toBe(false);
  now += 60_000;
  expect(bucket.tokens).toBe(5);
});

test('refuses a rate or burst that could never pass a request', () => {
  expect(() => new TokenBucket({ ratePerSecond: 0, burst: 1 })).toThrow(RangeError);
  expect(() => new TokenBucket({ ratePerSecond: 1, burst: 0 })).toThrow(RangeError);
});
