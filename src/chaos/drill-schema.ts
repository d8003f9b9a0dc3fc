import { z } from 'zod';
import { faultRegistry } from '../../simulators/dependencies/faults/fault-registry.ts';
import { FALLBACK_TIERS } from '../protocol/agent-protocol.ts';
import { readYaml, validate } from '../scenario/load-document.ts';
import { resolveScenarioFile } from '../scenario/scenario-files.ts';
import { identifier, probability } from '../scenario/schema-helpers.ts';
import { CALL_OUTCOMES } from '../telemetry/call-record.ts';
import { scenarioDuration } from './scenario-duration.ts';
import { networkFaultSchema } from './toxics/toxic-registry.ts';

/**
 * A drill: a chaos experiment in Chaos Toolkit's shape (steady-state hypothesis, method,
 * rollbacks) plus what the degradation path must look like while each fault is active
 * (expectations) and when to give up (stop conditions). Times are scenario time, written
 * `"15m"` in YAML and parsed to milliseconds here. See docs/drills.md.
 */

const faultId = identifier.max(64, 'a fault id is at most 64 characters');
const name = z.string().min(1);

// The `network:` of a fault is one of the toxics in src/chaos/toxics/ (one file each).
export {
  type NetworkFault,
  networkFaultSchema,
  TOXIC_NAMES,
  type ToxicName,
} from './toxics/toxic-registry.ts';

const simulatorFaultTypes = Object.keys(faultRegistry);

/** A semantic or HTTP-level fault set through the target simulator's control API. */
export const simulatorFaultSchema = z
  .strictObject({
    type: z.string().min(1),
    params: z.record(z.string(), z.unknown()).default({}),
    target: z
      .strictObject({
        cohort: z.string().min(1).optional(),
        pathPrefix: z.string().startsWith('/', 'a path prefix starts with "/"').optional(),
      })
      .default({}),
    probability: probability.default(1),
  })
  .superRefine((fault, ctx) => {
    if (!Object.hasOwn(faultRegistry, fault.type)) {
      ctx.addIssue({
        code: 'custom',
        path: ['type'],
        message: `unknown simulator fault type "${fault.type}": expected one of ${simulatorFaultTypes.join(', ')}`,
      });
      return;
    }
    const type = faultRegistry[fault.type as keyof typeof faultRegistry];
    const parsed = (type.params as z.ZodType).safeParse(fault.params);
    if (!parsed.success) {
      for (const issue of parsed.error.issues) {
        ctx.addIssue({ code: 'custom', path: ['params', ...issue.path], message: issue.message });
      }
    }
  });
export type SimulatorFault = z.infer<typeof simulatorFaultSchema>;

/** One fault on the timeline: when, for how long, against which simulator endpoint, and what. */
export const drillFaultSchema = z
  .strictObject({
    id: faultId,
    title: z.string().optional(),
    /** Scenario time after the window start when the fault is applied. */
    at: scenarioDuration,
    duration: scenarioDuration.refine((ms) => ms > 0, 'a fault lasts longer than 0s'),
    /** A simulator endpoint name: llm-primary-eu, llm-secondary-eu, llm-us, asr, tts, crm. */
    target: identifier,
    network: networkFaultSchema.optional(),
    simulator: simulatorFaultSchema.optional(),
  })
  .superRefine((fault, ctx) => {
    if ((fault.network === undefined) === (fault.simulator === undefined)) {
      ctx.addIssue({
        code: 'custom',
        path: ['network'],
        message: 'give exactly one of "network" (a Toxiproxy toxic) or "simulator" (a simulator fault)',
      });
    }
  });
export type DrillFault = z.infer<typeof drillFaultSchema>;

/** SLO-style tolerances, checked over the calls before the first fault and after recovery. */
export const probeSchema = z.discriminatedUnion('metric', [
  z.strictObject({
    name,
    metric: z.literal('outcome-rate'),
    outcome: z.enum(CALL_OUTCOMES),
    max: probability,
  }),
  z.strictObject({ name, metric: z.literal('containment'), min: probability }),
  z.strictObject({
    name,
    metric: z.literal('voice-to-voice'),
    percentile: z.number().min(50).max(99.99).default(95),
    maxMs: z.number().positive(),
  }),
]);
export type Probe = z.infer<typeof probeSchema>;

export const steadyStateSchema = z.strictObject({
  title: z.string().default('the agent holds its SLOs'),
  /** Fewer calls than this in a phase and its probes fail as "not enough calls". */
  minCalls: z.number().int().min(1).default(20),
  /** After the last fault is removed, calls that arrive at least this much later count as recovered. */
  settle: scenarioDuration.default(5 * 60_000),
  probes: z.array(probeSchema).min(1, 'a steady-state hypothesis needs at least one probe'),
});

const expectationBase = {
  name,
  /** Id of the fault (in `method`) during which this holds. */
  during: faultId,
  /** Only calls (and their turns) from this dialect cohort. */
  cohort: identifier.optional(),
  /** Fewer turns/calls than this in the window and the expectation fails as "not enough data". */
  minSamples: z.number().int().min(1).default(1),
};

/** What the degradation path must look like while a fault is active. */
export const expectationSchema = z.discriminatedUnion('expect', [
  z.strictObject({
    ...expectationBase,
    expect: z.literal('fallback-tier'),
    tiers: z.array(z.enum(FALLBACK_TIERS)).min(1),
    minShare: probability.default(0),
    maxShare: probability.default(1),
  }),
  z.strictObject({
    ...expectationBase,
    expect: z.literal('transfer-reason'),
    /** Without reasons: any reason but none/`unspecified`. */
    reasons: z.array(z.string().min(1)).min(1).optional(),
    minShare: probability.default(1),
  }),
  z.strictObject({ ...expectationBase, expect: z.literal('no-residency-violations') }),
  z
    .strictObject({
      ...expectationBase,
      expect: z.literal('outcome-rate'),
      outcome: z.enum(CALL_OUTCOMES),
      min: probability.optional(),
      max: probability.optional(),
    })
    .refine((e) => e.min !== undefined || e.max !== undefined, {
      message: 'give min, max or both',
      path: ['max'],
    }),
  z.strictObject({
    ...expectationBase,
    expect: z.literal('escalation-reason'),
    reason: z.string().min(1),
    minShare: probability,
  }),
  z.strictObject({
    ...expectationBase,
    expect: z.literal('writes-exactly-once'),
    /** Share of expected writes allowed to be missing (e.g. still in a dead-letter queue). */
    maxLostShare: probability.default(0),
  }),
]);
export type Expectation = z.infer<typeof expectationSchema>;

/** Abort the drill when these outcomes burn past `maxRate` over a rolling scenario-time window. */
export const stopConditionSchema = z.strictObject({
  name,
  outcomes: z.array(z.enum(CALL_OUTCOMES)).min(1),
  window: scenarioDuration.refine((ms) => ms > 0, 'the window must be longer than 0s'),
  maxRate: probability,
  minCalls: z.number().int().min(1).default(20),
});
export type StopCondition = z.infer<typeof stopConditionSchema>;

/**
 * Clean-up beyond the faults the drill applied, which are always removed:
 * `clear-simulator-faults` clears every fault on every simulator of the run,
 * `reset-proxies` removes every toxic from the run's proxies and re-enables them.
 */
export const ROLLBACK_ACTIONS = ['clear-simulator-faults', 'reset-proxies'] as const;
export type RollbackAction = (typeof ROLLBACK_ACTIONS)[number];

export const drillSchema = z
  .strictObject({
    kind: z.literal('Drill'),
    name: identifier,
    title: z.string().min(1),
    description: z.string().default(''),
    tags: z.array(z.string()).default([]),
    steadyStateHypothesis: steadyStateSchema,
    method: z.array(drillFaultSchema).min(1, 'a drill needs at least one fault in its method'),
    expectations: z.array(expectationSchema).default([]),
    stopConditions: z.array(stopConditionSchema).default([]),
    rollbacks: z.array(z.enum(ROLLBACK_ACTIONS)).default([...ROLLBACK_ACTIONS]),
  })
  .superRefine((drill, ctx) => {
    const ids = new Set<string>();
    drill.method.forEach((fault, i) => {
      if (ids.has(fault.id)) {
        ctx.addIssue({
          code: 'custom',
          path: ['method', i, 'id'],
          message: `fault id "${fault.id}" is used twice`,
        });
      }
      ids.add(fault.id);
    });
    drill.expectations.forEach((e, i) => {
      if (!ids.has(e.during)) {
        ctx.addIssue({
          code: 'custom',
          path: ['expectations', i, 'during'],
          message: `no fault "${e.during}" in method: expected one of ${[...ids].join(', ')}`,
        });
      }
    });
  });

export type Drill = z.infer<typeof drillSchema>;

/** Validates drill data (already parsed from YAML); errors name each field by path, exit 2. */
export function parseDrill(data: unknown, source: string): Drill {
  return validate(drillSchema, data, 'drill', source);
}

/** Loads `scenarios/drills/<name>.yaml` or a path to a Drill file. */
export function loadDrill(nameOrPath: string): Drill {
  const path = resolveScenarioFile('drills', nameOrPath);
  return parseDrill(readYaml(path), path);
}

/** For `loadDocument(path, drillKind)`: lets `callstorm validate` accept Drill files. */
export const drillKind = { Drill: parseDrill } as const satisfies Record<
  string,
  (data: unknown, path: string) => unknown
>;

/** Scenario ms when the last fault ends plus the settle time: how long a window the drill needs. */
export function drillSpanMs(drill: Drill): number {
  const end = Math.max(...drill.method.map((f) => f.at + f.duration));
  return end + drill.steadyStateHypothesis.settle;
}
