import { z } from 'zod';
import { ALL_SIMULATORS, defineFault } from './fault-type.ts';

export const HTTP_ERROR_STATUSES = [500, 502, 503, 504, 529] as const;

/** Answers a share of requests with a server error instead of the real response. */
export const httpError = defineFault({
  type: 'http-error',
  description: 'Answers a share of requests with a 5xx (529 = provider overloaded)',
  appliesTo: ALL_SIMULATORS,
  params: z.strictObject({
    rate: z.number().min(0).max(1).default(1),
    status: z.literal(HTTP_ERROR_STATUSES).default(503),
  }),
  apply(params, _ctx, effects, rng) {
    if (effects.reject || rng() >= params.rate) return;
    effects.reject = { status: params.status, message: `injected fault: http-error ${params.status}` };
  },
});
