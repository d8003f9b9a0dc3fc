import { describe, expect, test } from 'vitest';
import type { TurnResponse } from '../../src/protocol/agent-protocol.ts';
import type { SimulatorSuite } from '../../src/simulation/start-simulators.ts';
import { driveAll, plansOf, simulatorsFor, startAgentFor } from './agent-harness.ts';

const SEED = 8;

async function requestsTo(suite: SimulatorSuite, name: string): Promise<number> {
  const counters = (await (await fetch(`${suite.llm[name]!.controlUrl}/counters`)).json()) as {
    requests: { total: number };
  };
  return counters.requests.total;
}

const llmCalls = (turns: readonly TurnResponse[]) =>
  turns.flatMap((t) => t.telemetry?.dependencyCalls.filter((c) => c.dependency === 'llm') ?? []);

describe.each([
  ['network-outage', { type: 'network-outage', params: { mode: 'refuse' } }],
  ['http-error', { type: 'http-error', params: { rate: 1, status: 503 } }],
] as const)('primary LLM down (%s)', (_name, fault) => {
  // Callers of both residency regions: uk (uk/eu allowed) and ie (eu only). Never us.
  const plans = [
    ...plansOf('collections', { seed: SEED, count: 3, stage: 'scale', filter: (p) => p.region === 'uk' }),
    ...plansOf('collections', { seed: SEED, count: 3, stage: 'scale', filter: (p) => p.region === 'ie' }),
  ];

  test('production answers from the secondary EU endpoint and never sends a caller to llm-us', async () => {
    expect(new Set(plans.map((p) => p.region))).toEqual(new Set(['uk', 'ie']));
    const suite = await simulatorsFor('collections', SEED, plans);
    suite.llm['llm-primary-eu']!.faults.set(fault);
    const agent = await startAgentFor(suite, 'production');
    try {
      const results = await driveAll(agent.url, plans);
      expect(results.every((r) => r.errors.length === 0 && r.final !== 'failed')).toBe(true);
      const turns = results.flatMap((r) => r.turns);
      const answered = turns.filter((t) => !t.telemetry?.reprompt);
      expect(answered.every((t) => t.telemetry?.fallbackTier === 'secondary')).toBe(true);
      const calls = llmCalls(turns);
      expect(calls.every((c) => c.region === 'eu')).toBe(true);
      expect(calls.some((c) => c.endpoint === 'llm-secondary-eu' && c.status === 200)).toBe(true);
      // Once its breaker opens the primary is skipped without a request.
      expect(calls.some((c) => c.endpoint === 'llm-primary-eu' && c.status === 'circuit-open')).toBe(true);
      expect(await requestsTo(suite, 'llm-us')).toBe(0);
      expect(await requestsTo(suite, 'llm-secondary-eu')).toBeGreaterThan(0);
    } finally {
      await agent.close();
      await suite.close();
    }
  });

  test('pilot fails its calls (5xx to the driver)', async () => {
    const pilotPlans = plans.slice(0, 2);
    const suite = await simulatorsFor('collections', SEED, pilotPlans);
    suite.llm['llm-primary-eu']!.faults.set(fault);
    const agent = await startAgentFor(suite, 'pilot');
    try {
      const results = await driveAll(agent.url, pilotPlans, 2);
      for (const r of results) {
        expect(r.final).toBe('failed');
        expect(r.errors[0]!.status).toBe(502);
        expect((r.errors[0]!.body as { error: { code: string; dependency: string } }).error).toMatchObject({
          code: 'dependency_failed',
          dependency: 'llm',
        });
      }
      expect(await requestsTo(suite, 'llm-secondary-eu')).toBe(0);
    } finally {
      await agent.close();
      await suite.close();
    }
  });
});

test('with every EU LLM down, production serves the top intents from its script and transfers the rest with llm_unavailable — still never via llm-us', async () => {
  const plans = [
    ...plansOf('collections', {
      seed: SEED,
      count: 2,
      filter: (p) => p.intents[0] === 'balance_enquiry' && p.turns.length === 2,
    }),
    ...plansOf('collections', {
      seed: SEED,
      count: 2,
      filter: (p) => p.intents[0] === 'payment_arrangement',
    }),
  ];
  const suite = await simulatorsFor('collections', SEED, plans);
  for (const name of ['llm-primary-eu', 'llm-secondary-eu'])
    suite.llm[name]!.faults.set({ type: 'network-outage' });
  const agent = await startAgentFor(suite, 'production');
  try {
    const results = await driveAll(agent.url, plans);
    for (const r of results) {
      if (r.plan.intents[0] === 'balance_enquiry') {
        expect(r.final).toBe('end');
        expect(r.turns[0]!.telemetry?.fallbackTier).toBe('scripted');
        expect(r.turns[0]!.reply.text).toMatch(/Your balance is £\d/);
      } else {
        expect(r.final).toBe('transfer');
        expect(r.turns.at(-1)!.transfer).toEqual({ queue: 'contact-centre', reason: 'llm_unavailable' });
        expect(r.turns.at(-1)!.telemetry?.fallbackTier).toBe('human');
      }
    }
    expect(await requestsTo(suite, 'llm-us')).toBe(0);
  } finally {
    await agent.close();
    await suite.close();
  }
});
