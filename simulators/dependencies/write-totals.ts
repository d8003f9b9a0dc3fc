import { z } from 'zod';

const count = z.number().int().min(0);

/**
 * Expected, landed, lost, duplicate and unexpected writes, of one call or of a whole run: the
 * shape the ledger reconciles to, a call record keeps, and the CRM's control API answers. The
 * schema validates it wherever it crosses a wire or a file.
 */
export const writeTotalsSchema = z.strictObject({
  expected: count,
  landed: count,
  lost: count,
  duplicate: count,
  unexpected: count,
});

export type WriteTotals = Readonly<z.infer<typeof writeTotalsSchema>>;
