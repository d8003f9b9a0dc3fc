import {
  createCallRequestSchema,
  createCallResponseSchema,
  errorBodySchema,
  turnRequestSchema,
  turnResponseSchema,
} from './agent-protocol.ts';

/**
 * The callstorm HTTP agent protocol v1 as JSON Schemas, for agents written in other languages:
 * `schemas/agent-protocol.<message>.schema.json`, generated from the zod schemas the driver and the
 * reference agent use (so they cannot drift) and checked current by a test.
 */
export const protocolSchemaSources = {
  'agent-protocol.create-call-request': createCallRequestSchema,
  'agent-protocol.create-call-response': createCallResponseSchema,
  'agent-protocol.turn-request': turnRequestSchema,
  // zod's superRefine (a transfer carries {queue, reason}, and only a transfer does) has no JSON
  // Schema form of its own; the same rule as if/then/else:
  'agent-protocol.turn-response': turnResponseSchema.meta({
    if: { properties: { action: { const: 'transfer' } } },
    // biome-ignore lint/suspicious/noThenProperty: JSON Schema's if/then, not a thenable
    then: { required: ['transfer'] },
    else: { not: { required: ['transfer'] } },
  }),
  'agent-protocol.error': errorBodySchema,
} as const;
