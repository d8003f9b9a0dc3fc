import { z } from 'zod';
import { drillSchema } from '../chaos/drill-schema.ts';
import { protocolSchemaSources } from '../protocol/protocol-json-schemas.ts';
import { reviewPlanSchema } from '../review/review-plan-schema.ts';
import { populationSchema } from '../scenario/population-schema.ts';
import { stageSchema } from '../scenario/stage-schema.ts';
import { verticalSchema } from '../scenario/vertical-schema.ts';
import { gateSchema } from '../slo/gate-schema.ts';
import { sliDocumentSchema, sloDocumentSchema } from '../slo/openslo-schema.ts';
import { priceListSchema } from '../slo/price-list.ts';

/**
 * The file kinds with a JSON Schema in `schemas/` for editors. It gathers the zod schemas of
 * several layers (scenario, chaos, slo), so it sits above them rather than in `src/scenario`.
 */
export const schemaSources = {
  vertical: verticalSchema,
  stage: stageSchema,
  population: populationSchema,
  drill: drillSchema,
  /** Each document of an SLO set file (scenarios/slos/): an OpenSLO v1 SLO or SLI. */
  slo: z.union([sloDocumentSchema, sliDocumentSchema]),
  gate: gateSchema,
  'price-list': priceListSchema,
  /** The HTTP agent protocol v1 messages, for agents in other languages (docs/agent-protocol.md). */
  ...protocolSchemaSources,
  review: reviewPlanSchema,
} as const;

/** JSON Schema text for each kind, as checked into `schemas/<kind>.schema.json`. */
export function renderJsonSchemas(): Record<string, string> {
  return Object.fromEntries(
    Object.entries(schemaSources).map(([kind, schema]) => {
      const json = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' });
      return [`${kind}.schema.json`, `${JSON.stringify({ ...json, title: `callstorm ${kind}` }, null, 2)}\n`];
    }),
  );
}
