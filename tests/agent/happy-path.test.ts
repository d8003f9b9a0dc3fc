import { describe, expect, test } from 'vitest';
import { driveAll, heardRight, plansOf, simulatorsFor, startAgentFor, VERTICALS } from './agent-harness.ts';

const SEED = 5;

describe.each(VERTICALS)('happy path: %s', (vertical) => {
  test.each(['pilot', 'production'] as const)(
    '%s resolves the calls it heard right: planned ending, every write landed once',
    async (profile) => {
      const plans = plansOf(vertical, { seed: SEED, count: 8 });
      const suite = await simulatorsFor(vertical, SEED, plans);
      const agent = await startAgentFor(suite, profile);
      try {
        const results = await driveAll(agent.url, plans);
        expect(results.every((r) => r.errors.length === 0)).toBe(true);
        const clean = results.filter((r) => heardRight(suite.groundTruth, r.plan));
        expect(clean.length).toBeGreaterThanOrEqual(plans.length / 2);
        for (const r of clean)
          expect({ call: r.plan.id, end: r.final }).toEqual({
            call: r.plan.id,
            end: r.plan.expectedEnd.action,
          });
        // Every transfer carries a reason.
        for (const r of results)
          for (const t of r.turns) if (t.action === 'transfer') expect(t.transfer?.reason).toBeTruthy();

        const ledger = suite.crm.service.ledger.reconcile(clean.map((r) => r.plan));
        expect(ledger.totals.landed).toBe(ledger.totals.expected);
        expect(suite.crm.service.ledger.reconcile(plans).totals.duplicate).toBe(0);
      } finally {
        await agent.close();
        await suite.close();
      }
    },
  );
});

test('production escalates a write the CRM rejected (misheard value) instead of claiming it was done', async () => {
  // A value the CRM refuses, as a misheard one would be ("weakly" for weekly): the model passes it on.
  const plans = plansOf('collections', { seed: SEED, count: 12 })
    .filter((p) => p.expectedWrites.some((w) => w.op === 'create_payment_arrangement'))
    .slice(0, 2)
    .map((p) => {
      const misheard = structuredClone(p) as typeof p & {
        expectedWrites: { args: Record<string, string> }[];
      };
      misheard.expectedWrites[0]!.args.frequency = 'weakly';
      return misheard as typeof p;
    });
  expect(plans.length).toBe(2);
  for (const profile of ['pilot', 'production'] as const) {
    const suite = await simulatorsFor('collections', SEED, plans);
    const agent = await startAgentFor(suite, profile);
    try {
      const results = await driveAll(agent.url, plans);
      const rejected = results.filter((r) =>
        r.turns.some((t) =>
          t.telemetry?.dependencyCalls.some((c) => c.dependency === 'crm' && c.status === 400),
        ),
      );
      expect(rejected.length).toBeGreaterThan(0);
      for (const r of rejected) {
        const last = r.turns.at(-1)!;
        if (profile === 'production') expect(last.transfer?.reason).toBe('crm_write_failed');
        else expect(r.final).toBe('end'); // the pilot says "all done" and ends: false containment
      }
    } finally {
      await agent.close();
      await suite.close();
    }
  }
});
