import type { z } from 'zod';
import { CallstormError } from '../src/errors/callstorm-error.ts';

/** Validates a control action's JSON body; a bad one is a CS_ERR_BAD_ARGUMENT (answered 400). */
export function parseControlBody<T>(schema: z.ZodType<T>, body: unknown, shape: string): T {
  const parsed = schema.safeParse(body);
  if (parsed.success) return parsed.data;
  throw new CallstormError('CS_ERR_BAD_ARGUMENT', {
    option: 'the request body',
    reason: parsed.error.issues.map((i) => `${i.path.join('.') || '(body)'}: ${i.message}`).join('; '),
    fix: `send JSON of the shape ${shape}`,
  });
}
