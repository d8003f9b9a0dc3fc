import { z } from 'zod';

export const LEDGER_SCHEMA = 'callstorm.ledger/v1' as const;

const count = z.number().int('must be a whole number').min(0, 'must be ≥ 0');

/** Expected, landed, lost, duplicate and unexpected writes of a run: whole numbers ≥ 0. */
export const ledgerTotalsSchema = z.strictObject({
  expected: count,
  landed: count,
  lost: count,
  duplicate: count,
  unexpected: count,
});
export type LedgerTotals = z.output<typeof ledgerTotalsSchema>;

/** How the run's writes were attributed to calls (docs/simulators.md, "Attributing writes"). */
export const ledgerAttributionSchema = z.strictObject({
  header: count,
  lifetime: count,
  noLiveCall: count,
  ambiguous: count,
});

/**
 * `ledger.json`: the CRM's writes reconciled against the calls that ran. The totals are what
 * evaluation reads; how writes were attributed, and the lists of lost, duplicate, unexpected and
 * unattributed writes, are kept for people (older folders have no attribution).
 */
export const ledgerFileSchema = z.object({
  schema: z.literal(LEDGER_SCHEMA),
  totals: ledgerTotalsSchema,
  ledgerSize: count.optional(),
  attribution: ledgerAttributionSchema.optional(),
  unattributed: z.array(z.unknown()).optional(),
  deadLetters: z.record(z.string(), count).nullable().optional(),
  lost: z.array(z.unknown()).optional(),
  duplicate: z.array(z.unknown()).optional(),
  unexpected: z.array(z.unknown()).optional(),
});
export type LedgerFile = z.output<typeof ledgerFileSchema>;
