import { z } from 'zod';
import { TokenBucket } from '../token-bucket.ts';
import { ALL_SIMULATORS, defineFault } from './fault-type.ts';

/**
 * A token bucket in front of the simulator: `burst` requests at once, refilled at `rps` per second.
 * A request that finds the bucket empty gets 429 with Retry-After = seconds until the next token.
 */
export const rateLimit = defineFault({
  type: 'rate-limit',
  description: 'Token-bucket rate limit answering 429 with Retry-After',
  appliesTo: ALL_SIMULATORS,
  params: z.strictObject({
    rps: z.number().positive().max(100_000),
    burst: z.int().min(1).max(100_000).optional(),
  }),
  // A drill's rps is per scenario second: at --speed N the scenario's traffic arrives N times
  // faster, so the bucket refills N times faster in wall time. burst is a count, not a rate.
  scalesWithSpeed: { rps: 'rate' },
  initState(params, clock) {
    return new TokenBucket({
      ratePerSecond: params.rps,
      burst: params.burst ?? Math.max(1, Math.ceil(params.rps)),
      clock,
    });
  },
  apply(_params, _ctx, effects, _rng, bucket) {
    // A request that is already being rejected does not spend a token.
    if (effects.reject || bucket.take()) return;
    effects.reject = {
      status: 429,
      retryAfterSeconds: Math.max(1, Math.ceil(bucket.msUntilTokens() / 1000)),
      message: 'rate limit exceeded',
    };
  },
});
