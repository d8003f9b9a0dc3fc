import { z } from 'zod';
import { MAX_RECORDED_MS } from '../telemetry/call-record.ts';
import { RUN_MANIFEST_SCHEMA } from '../telemetry/run-manifest.ts';
import { evaluationContextSchema } from './evaluation-context-schema.ts';

const text = z.string().min(1);
const nonNegative = z.number().min(0, 'must be ≥ 0');
const processHealth = z
  .object({ eventLoopDelayP99Ms: nonNegative.nullable(), cpuPercent: nonNegative.nullable() })
  .nullable();
const instant = z.string().refine((s) => !Number.isNaN(Date.parse(s)), 'expected an ISO 8601 date and time');

/**
 * `manifest.json` as the run folder reader accepts it: the fields of `RunManifest`
 * (src/telemetry/run-manifest.ts), each checked. Fields added by later versions are accepted
 * (and left unread): a run folder gains fields, never loses them.
 */
export const manifestSchema = z
  .object({
    schema: z.literal(RUN_MANIFEST_SCHEMA),
    runId: text,
    status: z.enum(['running', 'complete', 'interrupted', 'aborted', 'failed']),
    complete: z.boolean(),
    invalid: z.string().nullable(),
    reason: z.string().nullable(),
    scenario: z.object({
      vertical: text,
      stage: text,
      window: text,
      windowStart: instant,
      windowEnd: instant,
      expectedCalls: z.number().min(0),
      seed: z.number().int(),
      speed: z.number().positive(),
    }),
    drill: text.nullable(),
    agent: z.string(),
    simulators: z
      .object({ mode: z.enum(['process', 'in-process']), pid: z.number().int().positive().nullable() })
      .optional(),
    network: z.object({ mode: z.enum(['toxiproxy', 'emulated', 'none']), detail: z.string() }),
    versions: z.object({ callstorm: z.string(), node: z.string() }),
    startedAt: instant,
    endedAt: instant.nullable(),
    counts: z.record(z.string(), z.number().int().min(0, 'must be ≥ 0')),
    driver: z.record(z.string(), z.unknown()).nullable(),
    files: z.array(z.string()),
    evaluation: evaluationContextSchema.optional(),
    transport: z.string().optional(),
    callerAudio: z.enum(['tagged', 'speech']).optional(),
    deadline: z.object({ wallMs: nonNegative, graceMs: nonNegative, reached: z.boolean() }).optional(),
    load: z
      .object({
        offered: z.object({ peak: nonNegative, mean: nonNegative }),
        realTime: z.object({
          arrivalsPerSecond: nonNegative,
          meanCallSeconds: nonNegative.nullable(),
          concurrency: nonNegative.nullable(),
        }),
        factor: nonNegative.nullable(),
      })
      .nullable()
      .optional(),
    harness: z
      .object({
        driver: processHealth,
        simulators: processHealth,
        agent: processHealth,
        faults: z
          .object({
            measured: z.number().int().min(0),
            maxScenarioMs: nonNegative,
            maxWallMs: nonNegative,
            lateAfterWallMs: nonNegative,
            late: z.array(
              z.object({
                faultId: text,
                action: z.enum(['apply', 'remove']),
                plannedMs: nonNegative,
                atMs: nonNegative.nullable(),
                lagScenarioMs: nonNegative,
                lagWallMs: nonNegative,
              }),
            ),
          })
          .nullable()
          .optional(),
      })
      .optional(),
    wiring: z
      .object({
        simulators: z.record(
          z.string(),
          z.object({ kind: text, url: text, controlUrl: text, region: z.string().optional() }),
        ),
        proxies: z.array(z.object({ endpoint: text, proxyName: text, listen: text, upstream: text })),
        portBase: z.number().int().min(1).max(65_535).nullable(),
        file: z.string().nullable(),
        agent: z
          .object({
            command: text,
            pid: z.number().int(),
            port: z.number().int().min(0).max(65_535),
            url: text,
            log: text,
            readyMs: nonNegative,
          })
          .nullable(),
        check: z
          .object({
            result: z.enum(['passed', 'failed', 'undecided', 'off']),
            calls: z.array(z.string()),
            requests: z.record(z.string(), z.number().int().min(0)).nullable(),
            detail: z.string(),
          })
          .nullable(),
      })
      .optional(),
  })
  .superRefine((m, ctx) => {
    if (m.complete !== (m.status === 'complete')) {
      ctx.addIssue({
        code: 'custom',
        path: ['complete'],
        message: `is ${m.complete} but status is "${m.status}" (complete is true exactly when status is "complete")`,
      });
    }
    const span = Date.parse(m.scenario.windowEnd) - Date.parse(m.scenario.windowStart);
    if (span < 0) {
      ctx.addIssue({ code: 'custom', path: ['scenario', 'windowEnd'], message: 'is before windowStart' });
    } else if (span > MAX_RECORDED_MS) {
      ctx.addIssue({
        code: 'custom',
        path: ['scenario', 'windowEnd'],
        message: 'more than 366 days after windowStart',
      });
    }
    // A run killed before its chaos started has the definition but not yet `drill`: that is fine.
    const recorded = m.evaluation?.drill;
    if (m.evaluation && m.drill !== null && recorded?.name !== m.drill) {
      ctx.addIssue({
        code: 'custom',
        path: ['evaluation', 'drill'],
        message: recorded
          ? `is drill "${recorded.name}" but the run's drill is "${m.drill}"`
          : `is null but the run's drill is "${m.drill}"`,
      });
    }
  });
