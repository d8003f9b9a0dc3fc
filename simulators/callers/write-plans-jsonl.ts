import { once } from 'node:events';
import type { Writable } from 'node:stream';
import type { CallPlan } from './call-plan.ts';

const BATCH_BYTES = 256 * 1024;

/**
 * Writes plans as JSONL, one line per plan, honouring backpressure so that a million plans never
 * sit in memory at once. Returns the number of plans written.
 */
export async function writePlansJsonl(plans: Iterable<CallPlan>, out: Writable): Promise<number> {
  let count = 0;
  let batch = '';
  for (const plan of plans) {
    batch += `${JSON.stringify(plan)}\n`;
    count++;
    if (batch.length >= BATCH_BYTES) {
      if (!out.write(batch)) await once(out, 'drain');
      batch = '';
    }
  }
  if (batch) out.write(batch);
  return count;
}
