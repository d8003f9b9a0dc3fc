import { z } from 'zod';
import { ALL_SIMULATORS, defineFault } from './fault-type.ts';

/**
 * In-process stand-in for Toxiproxy's `down` / `timeout` when no Toxiproxy runs: `refuse` drops
 * the connection without an answer; `hang` never answers until the fault is cleared (then the
 * request proceeds) or the client gives up. A refusal wins over a hang.
 */
export const networkOutage = defineFault({
  type: 'network-outage',
  description: 'Emulated network outage: reset the connection, or hang without answering',
  appliesTo: ALL_SIMULATORS,
  params: z.strictObject({ mode: z.enum(['refuse', 'hang']).default('refuse') }),
  apply(params, _ctx, effects) {
    if (effects.network === 'refuse') return;
    effects.network = params.mode;
  },
});
