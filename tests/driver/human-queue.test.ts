import { expect, test } from 'vitest';
import { exponential, seeded } from '../../simulators/seeded-random.ts';
import { erlangC, erlangServiceLevel, HumanQueue } from '../../src/driver/human-queue.ts';

test('Erlang C matches a textbook value', () => {
  // 10 agents, 8 erlangs offered: P(wait) ≈ 0.409 (standard tables).
  expect(erlangC(10, 8)).toBeCloseTo(0.409, 2);
  expect(erlangC(3, 3.5)).toBe(1);
});

test.each([
  { agents: 4, callsPerHour: 40, handleMin: 5 },
  { agents: 10, callsPerHour: 100, handleMin: 5 },
])(
  'the human queue agrees with Erlang C for Poisson arrivals ($agents agents, $callsPerHour calls/h)',
  ({ agents, callsPerHour, handleMin }) => {
    const handleMs = handleMin * 60_000;
    const lambda = callsPerHour / 3_600_000;
    // Exponential handle time (no p90) and no abandonment: the M/M/N queue Erlang C describes.
    const queue = new HumanQueue({
      agents,
      handleTime: { medianMs: handleMs * Math.LN2 },
      meanPatienceMs: Infinity,
      seed: 1,
    });
    const rng = seeded('arrivals', agents);
    let t = 0;
    let waited = 0;
    let within = 0;
    const n = 60_000;
    for (let i = 0; i < n; i++) {
      t += exponential(rng, 1 / lambda);
      const r = queue.join(t);
      if (r.waitMs > 0) waited++;
      if (r.answeredWithinTarget) within++;
    }
    expect(waited / n).toBeCloseTo(erlangC(agents, lambda * handleMs), 1);
    expect(Math.abs(within / n - erlangServiceLevel(agents, lambda, handleMs, 20_000))).toBeLessThan(0.03);
  },
);

test('callers who run out of patience leave the queue and hold no agent', () => {
  const queue = new HumanQueue({
    agents: 1,
    handleTime: { medianMs: 600_000, p90Ms: 900_000 },
    meanPatienceMs: 30_000,
    seed: 2,
  });
  const first = queue.join(0);
  expect(first.answered).toBe(true);
  const results = Array.from({ length: 50 }, (_, i) => queue.join(1_000 + i * 1_000));
  expect(results.filter((r) => !r.answered).length).toBeGreaterThan(40);
  expect(results.every((r) => r.answered || r.handleMs === 0)).toBe(true);
});
