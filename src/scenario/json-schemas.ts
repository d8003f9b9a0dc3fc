import { z } from 'zod';
import { drillSchema } from '../chaos/drill-schema.ts';
import { reviewPlanSchema } from '../review/review-plan-schema.ts';
import { gateSchema } from '../slo/gate-schema.ts';
import { sliDocumentSchema, sloDocumentSchema } from '../slo/openslo-schema.ts';
import { priceListSchema } from '../slo/price-list.ts';
import { populationSchema } from './population-schema.ts';
import { stageSchema } from './stage-schema.ts';
import { verticalSchema } from './vertical-schema.ts';

/** The scenario kinds with a JSON Schema in `schemas/` for editors. */
export const schemaSources = {
  vertical: verticalSchema,
  stage: stageSchema,
  population: populationSchema,
  drill: drillSchema,
  /** Each document of an SLO set file (scenarios/slos/): an OpenSLO v1 SLO or SLI. */
  slo: z.union([sloDocumentSchema, sliDocumentSchema]),
  gate: gateSchema,
  'price-list': priceListSchema,
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
