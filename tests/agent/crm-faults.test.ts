import { describe, expect, test } from 'vitest';
import type { AgentConfigInput } from '../../agent/agent-config.ts';
import type { FaultSpec } from '../../simulators/dependencies/faults/fault-set.ts';
import type { Reconciliation } from '../../simulators/dependencies/write-ledger.ts';
import {
  type DrivenCall,
  driveAll,
  heardRight,
  plansOf,
  simulatorsFor,
  startAgentFor,
} from './agent-harness.ts';

const SEED = 13;
/** Calls that write: every write-bearing flow of collections, callers the ASR hears well. */
const plans = plansOf('collections', {
  seed: SEED,
  count: 10,
  filter: (p) => p.expectedWrites.length > 0 && p.asksForHumanAtTurn === null,
});
const HALF_OPEN_AFTER_MS = 300;

/**
 * Short timeouts: a CRM that holds its answer makes the client give up (its own timer, not a race:
 * the write has landed when the request arrived, and the answer would come 30 s later).
 */
const timeouts: Partial<AgentConfigInput> = {
  pilot: { crmTimeoutMs: 400 },
  budget: { crmRequestMs: 400, toolsMs: 3000, turnMs: 8000 },
  breaker: { halfOpenAfterMs: HALF_OPEN_AFTER_MS },
};

interface Outcome {
  readonly results: DrivenCall[];
  /** Reconciliation over the calls the ASR and LLM got right (the others write wrong values whatever the CRM does). */
  readonly ledger: Reconciliation;
  readonly clean: number;
  readonly afterReplay?: Reconciliation;
  readonly deadLettered: number;
}

/** Drives the plans one at a time (deterministic fault draws) with CRM faults on, then recovers. */
async function underCrmFaults(profile: 'pilot' | 'production', faults: FaultSpec[]): Promise<Outcome> {
  const suite = await simulatorsFor('collections', SEED, plans);
  for (const f of faults) suite.crm.faults.set(f);
  const agent = await startAgentFor(suite, profile, timeouts);
  try {
    const results = await driveAll(agent.url, plans, 1);
    const clean = plans.filter((p) => heardRight(suite.groundTruth, p));
    const ledger = suite.crm.service.ledger.reconcile(clean);
    const deadLettered = results
      .flatMap((r) => r.turns)
      .reduce((n, t) => n + (t.telemetry?.writes.deadLettered ?? 0), 0);
    suite.clearFaults();
    if (profile === 'pilot') return { results, ledger, clean: clean.length, deadLettered };
    // Recovery: once the breaker lets a probe through (it half-opens after halfOpenAfterMs), the
    // replay lands what was parked. Replayed until nothing remains, not after one guessed wait.
    let remaining = await agent.replayDeadLetters().then((r) => r.remaining);
    for (let attempt = 0; remaining > 0 && attempt < 50; attempt++) {
      await new Promise((r) => setTimeout(r, HALF_OPEN_AFTER_MS));
      remaining = (await agent.replayDeadLetters()).remaining;
    }
    expect(remaining).toBe(0);
    return {
      results,
      ledger,
      clean: clean.length,
      deadLettered,
      afterReplay: suite.crm.service.ledger.reconcile(clean),
    };
  } finally {
    await agent.close();
    await suite.close();
  }
}

describe('CRM under faults: production lands every write exactly once, the pilot does not', () => {
  test('there are enough writing calls to show it', () => {
    expect(plans.length).toBeGreaterThanOrEqual(5);
  });

  test('429 rate limiting: production waits out Retry-After; the pilot retries at once and loses writes', async () => {
    const faults: FaultSpec[] = [{ type: 'rate-limit', params: { rps: 2, burst: 2 } }];
    const pilot = await underCrmFaults('pilot', faults);
    const production = await underCrmFaults('production', faults);
    expect(pilot.ledger.totals.lost).toBeGreaterThan(0);
    expect(production.clean).toBeGreaterThanOrEqual(4);
    expect(production.afterReplay!.totals).toMatchObject({ landed: production.clean, lost: 0, duplicate: 0 });
    const retried = production.results
      .flatMap((r) => r.turns)
      .flatMap((t) => t.telemetry!.dependencyCalls)
      .filter((c) => c.dependency === 'crm' && c.attempt > 1);
    expect(retried.length).toBeGreaterThan(0);
  });

  test('5xx on the CRM: production retries with the same Idempotency-Key or dead-letters; the pilot loses writes', async () => {
    const faults: FaultSpec[] = [{ type: 'http-error', probability: 0.7, params: { rate: 1, status: 503 } }];
    const pilot = await underCrmFaults('pilot', faults);
    const production = await underCrmFaults('production', faults);
    expect(pilot.ledger.totals.lost).toBeGreaterThan(0);
    expect(production.afterReplay!.totals).toMatchObject({ landed: production.clean, lost: 0, duplicate: 0 });
  });

  test('a slow CRM (client times out after the write landed): the pilot duplicates writes, production does not', async () => {
    // The CRM commits each write it is sent, then holds its answer for 30 s: far past any client's
    // timeout, so which writes time out is the seeded draw per request, whatever the machine's load.
    const faults: FaultSpec[] = [
      { type: 'latency', target: { method: 'POST' }, probability: 0.6, params: { ms: 30_000 } },
    ];
    const pilot = await underCrmFaults('pilot', faults);
    const production = await underCrmFaults('production', faults);
    expect(pilot.ledger.totals.duplicate).toBeGreaterThan(0);
    expect(production.ledger.totals.duplicate).toBe(0);
    expect(production.afterReplay!.totals).toMatchObject({ landed: production.clean, lost: 0, duplicate: 0 });
  });

  test('CRM down for the whole call: production dead-letters, tells the caller a confirmation will follow, and replay after recovery loses nothing', async () => {
    const production = await underCrmFaults('production', [
      { type: 'network-outage', params: { mode: 'refuse' } },
    ]);
    expect(production.ledger.totals.landed).toBe(0);
    expect(production.deadLettered).toBeGreaterThanOrEqual(production.clean);
    const parked = production.results.filter((r) =>
      r.turns.some((t) => (t.telemetry?.writes.deadLettered ?? 0) > 0),
    );
    for (const r of parked) expect(r.turns.some((t) => /confirmation by text/.test(t.reply.text))).toBe(true);
    expect(production.afterReplay!.totals).toMatchObject({ landed: production.clean, lost: 0, duplicate: 0 });
  });
});
