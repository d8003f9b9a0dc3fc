import { z } from 'zod';
import { drillDefinitionSchema } from './drill-definition-schema.ts';

/** The scenario files a run used, by what they were to it. */
export const SOURCE_ROLES = ['vertical', 'stage', 'population', 'drill', 'slos', 'prices'] as const;
export type SourceRole = (typeof SOURCE_ROLES)[number];

export const scenarioSourceSchema = z.strictObject({
  role: z.enum(SOURCE_ROLES),
  /** As the run was given it: a shipped name (`collections`) or a path. */
  ref: z.string().min(1),
  /** The file it resolved to: `scenarios/…` for shipped files, else an absolute path. */
  path: z.string().min(1),
  sha256: z.string().regex(/^[0-9a-f]{64}$/, 'expected a sha256 digest in hex'),
});
export type ScenarioSource = z.output<typeof scenarioSourceSchema>;

/**
 * `manifest.json` → `evaluation`: what evaluating the run needs besides its calls, recorded when
 * the run starts so that `report`, `gate` and `compare` never reopen the scenario's YAML: each
 * flow's category, the digests of the scenario files, and the resolved drill.
 */
export const evaluationContextSchema = z.strictObject({
  /** Flow id → category (`named`, `long-tail`, …) of the run's vertical. */
  flowCategories: z.record(z.string().min(1), z.string().min(1)),
  sources: z.array(scenarioSourceSchema),
  drill: drillDefinitionSchema.nullable(),
  /** The stage's recording-notice and personal-data phrases (absent in manifests written before). */
  consent: z
    .strictObject({
      noticePhrases: z.array(z.string().min(1)),
      personalDataPhrases: z.array(z.string().min(1)),
    })
    .optional(),
});
export type EvaluationContext = z.output<typeof evaluationContextSchema>;
