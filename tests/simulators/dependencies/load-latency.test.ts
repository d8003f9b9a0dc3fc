import { expect, test } from 'vitest';
import { LoadLatency } from '../../../simulators/dependencies/load-latency.ts';
import { seeded } from '../../../simulators/seeded-random.ts';

test('for the same draw, the delay grows with the number of requests in flight', () => {
  const model = new LoadLatency({ medianMs: 40, p90Ms: 120, capacity: 10 });
  const delays = [0, 5, 20, 80].map((n) => model.delayAt(n, seeded('same-draw')));
  expect([...delays].sort((a, b) => a - b)).toEqual(delays);
  expect(delays[3]! / delays[0]!).toBeCloseTo(9);
});

test('begin/done tracks requests in flight, and done is idempotent', () => {
  const model = new LoadLatency();
  const rng = seeded(1);
  const a = model.begin(rng);
  const b = model.begin(rng);
  expect([a.inFlight, b.inFlight, model.inFlight]).toEqual([0, 1, 2]);
  a.done();
  a.done();
  expect(model.inFlight).toBe(1);
  b.done();
  expect(model.inFlight).toBe(0);
});

test('the zero model adds nothing at any load', () => {
  const model = LoadLatency.zero();
  expect(model.delayAt(1000, seeded(1))).toBe(0);
});
