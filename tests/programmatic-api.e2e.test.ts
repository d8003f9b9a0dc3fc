import { expect, test } from 'vitest';
import { createCallGenerator, loadScenario, startSimulators, startSimulatorsProcess } from '../src/index.ts';

test('the README programmatic example works: plans, simulators, a fault, reconciliation', async () => {
  const scenario = loadScenario({ vertical: 'claims', stage: 'scale' });
  const generator = createCallGenerator(scenario, { seed: 7, window: 'peak-hour' });
  const shard = [...generator.plans({ k: 1, n: 4 })];
  expect(shard.length).toBeGreaterThan(10);
  expect(shard.every((p) => p.index % 4 === 0)).toBe(true);

  const sims = await startSimulators({ scenario, seed: 7, window: 'peak-hour', latency: 'zero' });
  try {
    sims.llm['llm-primary-eu']!.faults.set({ type: 'http-error', params: { rate: 1, status: 503 } });
    const primary = await fetch(`${sims.llm['llm-primary-eu']!.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'm', messages: [{ role: 'user', content: 'hello' }] }),
    });
    expect(primary.status).toBe(503);
    const secondary = await fetch(`${sims.llm['llm-secondary-eu']!.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'm', messages: [{ role: 'user', content: 'hello' }] }),
    });
    expect(secondary.status).toBe(200);
    // Nobody wrote anything: every expected write of the window is lost.
    const ledger = sims.crm.service.ledger.reconcile(generator.plans());
    const expectedWrites = [...generator.plans()].reduce((a, p) => a + p.expectedWrites.length, 0);
    expect(ledger.writes.filter((w) => w.status === 'lost').length).toBe(expectedWrites);
  } finally {
    await sims.close();
  }
});

test('the README programmatic example works: the same simulators in a child process, writes reconciled by call id', async () => {
  const scenario = loadScenario({ vertical: 'claims', stage: 'scale' });
  const generator = createCallGenerator(scenario, { seed: 7, window: 'peak-hour' });
  const child = await startSimulatorsProcess({
    vertical: 'claims',
    stage: 'scale',
    window: 'peak-hour',
    seed: 7,
    latency: 'zero',
  });
  try {
    expect(child.pid).toBeGreaterThan(0);
    const health = await fetch(`${child.llm['llm-primary-eu']!.url}/__callstorm/health`);
    expect(health.status).toBe(200);
    // Nobody wrote anything: every expected write of the window is lost, as in-process.
    const childLedger = await child.reconcile(generator.plans());
    const expectedWrites = [...generator.plans()].reduce((a, p) => a + p.expectedWrites.length, 0);
    expect(childLedger.totals).toMatchObject({ expected: expectedWrites, lost: expectedWrites, landed: 0 });
    expect(childLedger.lost.length).toBe(expectedWrites);
  } finally {
    await child.close();
  }
  expect(() => process.kill(child.pid, 0)).toThrow();
});
