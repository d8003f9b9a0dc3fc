import { expect, test } from 'vitest';
import type { RequestContext } from '../../../../simulators/dependencies/faults/fault-effects.ts';
import { FaultSet } from '../../../../simulators/dependencies/faults/fault-set.ts';
import { seeded } from '../../../../simulators/seeded-random.ts';

const ctx: RequestContext = { simulator: 'crm', endpoint: 'crm', method: 'GET', path: '/v1/accounts/1' };

test('rate-limit lets a burst through, then answers 429 with Retry-After from the refill rate, then recovers', () => {
  let now = 0;
  const faults = new FaultSet({ kind: 'crm', clock: () => now });
  faults.set({ type: 'rate-limit', params: { rps: 0.5, burst: 3 } });
  const rng = seeded(1);
  const statuses = Array.from({ length: 4 }, () => faults.effectsFor(ctx, rng).reject?.status ?? 200);
  expect(statuses).toEqual([200, 200, 200, 429]);
  // One token every 2 s: the client is told to come back in 2 s.
  expect(faults.effectsFor(ctx, rng).reject?.retryAfterSeconds).toBe(2);
  now += 1500;
  expect(faults.effectsFor(ctx, rng).reject?.retryAfterSeconds).toBe(1);
  now += 600;
  expect(faults.effectsFor(ctx, rng).reject).toBeUndefined();
  expect(faults.effectsFor(ctx, rng).reject?.status).toBe(429);
});

test('a request already rejected by another fault does not spend a token', () => {
  const faults = new FaultSet({ kind: 'crm', clock: () => 0 });
  faults.set({ id: 'down', type: 'http-error' });
  faults.set({ type: 'rate-limit', params: { rps: 1, burst: 1 } });
  const rng = seeded(1);
  expect(faults.effectsFor(ctx, rng).reject?.status).toBe(503);
  faults.clear('down');
  expect(faults.effectsFor(ctx, rng).reject).toBeUndefined();
});
