import { z } from 'zod';
import { expectationSchema, probeSchema } from '../chaos/drill-schema.ts';
import { recordedMs } from '../telemetry/call-record.ts';

const wholeMs = recordedMs.refine(Number.isInteger, 'must be whole milliseconds');

/**
 * A drill as a run folder records it (`manifest.json` → `evaluation.drill`): the Drill the run
 * loaded, defaults filled in and times in scenario milliseconds, so its verdict can be judged
 * again from the folder alone. The parts the verdict needs (the steady-state hypothesis, each
 * fault's id and times, the expectations) are checked; how a fault was injected (`network`,
 * `simulator`) and anything newer stay in the manifest, unread by the judge.
 */
export const drillDefinitionSchema = z
  .object({
    name: z.string().min(1),
    steadyStateHypothesis: z.object({
      minCalls: z.number().int().min(1),
      settle: wholeMs,
      probes: z.array(probeSchema).min(1),
    }),
    method: z
      .array(
        z.object({
          id: z.string().min(1),
          at: wholeMs,
          duration: wholeMs.refine((ms) => ms > 0, 'a fault lasts longer than 0 ms'),
          target: z.string().min(1),
        }),
      )
      .min(1),
    expectations: z.array(expectationSchema),
  })
  .superRefine((drill, ctx) => {
    const ids = new Set<string>();
    drill.method.forEach((f, i) => {
      if (ids.has(f.id))
        ctx.addIssue({
          code: 'custom',
          path: ['method', i, 'id'],
          message: `fault id "${f.id}" is used twice`,
        });
      ids.add(f.id);
    });
    drill.expectations.forEach((e, i) => {
      if (!ids.has(e.during)) {
        ctx.addIssue({
          code: 'custom',
          path: ['expectations', i, 'during'],
          message: `no fault "${e.during}" in method`,
        });
      }
    });
  });

/** What judging a drill needs; a loaded `Drill` (src/chaos/drill-schema.ts) is one. */
export type DrillDefinition = z.output<typeof drillDefinitionSchema>;
