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

/**
 * `ledger.json`: the CRM's writes reconciled against the calls that ran. The totals are what
 * evaluation reads; the lists of lost, duplicate and unexpected writes are kept for people.
 */
export const ledgerFileSchema = z.object({
  schema: z.literal(LEDGER_SCHEMA),
  totals: ledgerTotalsSchema,
  ledgerSize: count.optional(),
  deadLetters: z.record(z.string(), count).nullable().optional(),
  lost: z.array(z.unknown()).optional(),
  duplicate: z.array(z.unknown()).optional(),
  unexpected: z.array(z.unknown()).optional(),
});
export type LedgerFile = z.output<typeof ledgerFileSchema>;
