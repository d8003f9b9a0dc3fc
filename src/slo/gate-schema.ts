import { z } from 'zod';
import { readYaml, validate } from '../scenario/load-document.ts';
import { resolveScenarioFile } from '../scenario/scenario-files.ts';
import { identifier } from '../scenario/schema-helpers.ts';

/**
 * `scenarios/gates/<stage>.yaml`: what a set of runs must show to promote an agent to a stage —
 * the SLOs each run must meet, the drills that must have been run and passed, the integrity
 * conditions, and that the runs are complete and valid.
 */
export const gateSchema = z.strictObject({
  kind: z.literal('Gate'),
  name: identifier,
  /** The stage whose runs this gate judges (runs of other stages are listed and not judged). */
  stage: identifier,
  title: z.string().min(1),
  description: z.string().default(''),
  slos: z.strictObject({
    /** SLO set: a name under scenarios/slos/ or a path. */
    set: z.string().min(1),
    /** SLO names every judged run must meet; default: every SLO of the set. */
    require: z.array(z.string().min(1)).optional(),
    /** SLOs that pass when a run had nothing to measure (e.g. escalations during faults in a run without faults). */
    allowNoData: z.array(z.string().min(1)).default([]),
  }),
  /** Drills (scenarios/drills/ names) that must have been run at this stage and passed. */
  drills: z.array(identifier).default([]),
  integrity: z
    .strictObject({
      noDuplicateWrites: z.boolean().default(true),
      noLostWrites: z.boolean().default(true),
      noResidencyViolations: z.boolean().default(true),
    })
    .prefault({}),
  runs: z
    .strictObject({
      requireComplete: z.boolean().default(true),
      requireValid: z.boolean().default(true),
      /** At least one run of the stage without a drill. */
      requireBaseline: z.boolean().default(true),
    })
    .prefault({}),
});
export type Gate = z.infer<typeof gateSchema>;

export function parseGate(data: unknown, source: string): Gate {
  return validate(gateSchema, data, 'gate', source);
}

/** Loads `scenarios/gates/<name>.yaml` (pilot, hardening, scale) or a path to a Gate file. */
export function loadGate(nameOrPath: string): Gate {
  const path = resolveScenarioFile('gates', nameOrPath);
  return parseGate(readYaml(path), path);
}

/** For `loadDocument(path, gateKind)`: lets `callstorm validate` accept Gate files. */
export const gateKind = { Gate: parseGate } as const satisfies Record<
  string,
  (data: unknown, path: string) => unknown
>;
