import { z } from 'zod';
import { tryParseMetricQuery } from './metric-query.ts';

/**
 * OpenSLO v1 (`apiVersion: openslo/v1`) `kind: SLO` and `kind: SLI` documents, as far as callstorm
 * evaluates them: ratio SLIs (good or bad over total) and threshold SLIs, whose metric source is
 * `callstorm` with a query (metric-query.ts). The parsed documents keep the OpenSLO shape exactly,
 * so writing them back gives the same documents (serialise-slo-set.ts).
 *
 * Departures from the spec, each checked with a message: `target` may be 1 (a zero-tolerance
 * objective; OpenSLO's range is [0, 1)); `RatioTimeslices` and `raw` ratios are not supported;
 * a threshold SLI needs `Timeslices` (callstorm compares the measure per time slice).
 */
export const OPENSLO_API_VERSION = 'openslo/v1' as const;

const dnsName = z
  .string()
  .regex(
    /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/,
    'expected a DNS-style name: lower-case letters, digits and dashes, at most 63 characters',
  );

export const metadataSchema = z.strictObject({
  name: dnsName,
  displayName: z.string().optional(),
  labels: z.record(z.string(), z.union([z.string(), z.array(z.string())])).optional(),
  annotations: z.record(z.string(), z.string()).optional(),
});

/** `5m`, `1h`, `30d`, `4w`, `1M` (30 days), `1Q` (90 days), `1Y` (365 days). */
export const DURATION_SHORTHAND = /^(\d+)(s|m|h|d|w|M|Q|Y)$/;
const UNIT_MS: Record<string, number> = {
  s: 1_000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 7 * 86_400_000,
  M: 30 * 86_400_000,
  Q: 90 * 86_400_000,
  Y: 365 * 86_400_000,
};

/** Milliseconds of an OpenSLO duration shorthand; a bare number is minutes (as for timeSliceWindow). */
export function durationShorthandMs(value: string | number): number {
  if (typeof value === 'number') return value * 60_000;
  const m = DURATION_SHORTHAND.exec(value);
  if (!m) throw new Error(`not a duration shorthand: ${value}`);
  return Number(m[1]) * UNIT_MS[m[2]!]!;
}

const durationShorthand = z
  .string()
  .regex(DURATION_SHORTHAND, 'expected a duration like "5m", "1h", "30d", "4w" or "1M"')
  .refine((d) => !DURATION_SHORTHAND.test(d) || durationShorthandMs(d) > 0, 'a duration must be above 0');

function queryField(expect: 'selection' | 'measure') {
  return z.string().superRefine((text, ctx) => {
    const r = tryParseMetricQuery(text);
    if (!r.ok) {
      ctx.addIssue({ code: 'custom', message: `${r.error.message} in "${text}"` });
      return;
    }
    const isSelection = r.query.kind === 'select';
    if (expect === 'selection' && !isSelection) {
      ctx.addIssue({
        code: 'custom',
        message: `a ratio SLI counts events: write a selection like "turns where voiceToVoiceMs <= 3500", not a measure`,
      });
    }
    if (expect === 'measure' && isSelection) {
      ctx.addIssue({
        code: 'custom',
        message: `a threshold SLI needs a measure like "p95 of turns.voiceToVoiceMs" or "cost per resolved call"`,
      });
    }
  });
}

function metricSpec(expect: 'selection' | 'measure') {
  return z.strictObject({
    metricSource: z
      .strictObject({
        metricSourceRef: z.string().optional(),
        type: z.string().optional(),
        spec: z.strictObject({ query: queryField(expect) }),
      })
      .superRefine((s, ctx) => {
        const type = s.type ?? s.metricSourceRef;
        if (type !== 'callstorm') {
          ctx.addIssue({
            code: 'custom',
            path: ['type'],
            message: `callstorm evaluates its own metric source only: set type: callstorm (found ${type === undefined ? 'none' : `"${type}"`})`,
          });
        }
      }),
  });
}

export const ratioMetricSchema = z
  .strictObject({
    counter: z.boolean().optional(),
    good: metricSpec('selection').optional(),
    bad: metricSpec('selection').optional(),
    total: metricSpec('selection'),
  })
  .superRefine((r, ctx) => {
    if ((r.good === undefined) === (r.bad === undefined)) {
      ctx.addIssue({ code: 'custom', message: 'give exactly one of good or bad (with total)' });
      return;
    }
    const key = r.good ? 'good' : 'bad';
    const part = tryParseMetricQuery((r.good ?? r.bad)!.metricSource.spec.query);
    const total = tryParseMetricQuery(r.total.metricSource.spec.query);
    if (part.ok && total.ok && part.query.kind === 'select' && total.query.kind === 'select') {
      if (part.query.source !== total.query.source) {
        ctx.addIssue({
          code: 'custom',
          path: [key, 'metricSource', 'spec', 'query'],
          message: `${key} counts ${part.query.source} but total counts ${total.query.source}: count the same events in both`,
        });
      }
    }
  });

export const sliSpecSchema = z
  .strictObject({
    description: z.string().max(1050).optional(),
    ratioMetric: ratioMetricSchema.optional(),
    thresholdMetric: metricSpec('measure').optional(),
  })
  .superRefine((s, ctx) => {
    if ((s.ratioMetric === undefined) === (s.thresholdMetric === undefined)) {
      ctx.addIssue({ code: 'custom', message: 'give exactly one of ratioMetric or thresholdMetric' });
    }
  });
export type SliSpec = z.infer<typeof sliSpecSchema>;

export const sliDocumentSchema = z.strictObject({
  apiVersion: z.literal(OPENSLO_API_VERSION),
  kind: z.literal('SLI'),
  metadata: metadataSchema,
  spec: sliSpecSchema,
});
export type SliDocument = z.infer<typeof sliDocumentSchema>;

export const objectiveSchema = z
  .strictObject({
    displayName: z.string().optional(),
    op: z.enum(['lte', 'gte', 'lt', 'gt']).optional(),
    value: z.number().optional(),
    target: z.number().min(0).max(1, 'target is a share: at most 1').optional(),
    targetPercent: z.number().min(0).max(100, 'targetPercent is at most 100').optional(),
    timeSliceTarget: z.number().gt(0).max(1).optional(),
    timeSliceWindow: z.union([durationShorthand, z.number().positive()]).optional(),
  })
  .superRefine((o, ctx) => {
    if ((o.target === undefined) === (o.targetPercent === undefined)) {
      ctx.addIssue({
        code: 'custom',
        message: 'give exactly one of target (0..1) or targetPercent (0..100)',
      });
    }
  });
export type Objective = z.infer<typeof objectiveSchema>;

export const sloDocumentSchema = z
  .strictObject({
    apiVersion: z.literal(OPENSLO_API_VERSION),
    kind: z.literal('SLO'),
    metadata: metadataSchema,
    spec: z.strictObject({
      description: z.string().max(1050).optional(),
      service: z.string().min(1),
      indicator: z.strictObject({ metadata: metadataSchema, spec: sliSpecSchema }).optional(),
      indicatorRef: z.string().optional(),
      timeWindow: z
        .array(
          z.strictObject({
            duration: durationShorthand,
            isRolling: z.boolean(),
            calendar: z.strictObject({ startTime: z.string(), timeZone: z.string() }).optional(),
          }),
        )
        .length(1, 'timeWindow takes exactly one item'),
      budgetingMethod: z.enum(['Occurrences', 'Timeslices', 'RatioTimeslices']),
      objectives: z.array(objectiveSchema).min(1, 'an SLO needs at least one objective'),
      alertPolicies: z.array(z.unknown()).optional(),
    }),
  })
  .superRefine((slo, ctx) => {
    const s = slo.spec;
    if ((s.indicator === undefined) === (s.indicatorRef === undefined)) {
      ctx.addIssue({
        code: 'custom',
        path: ['spec'],
        message: 'give exactly one of indicator or indicatorRef',
      });
    }
    if (s.budgetingMethod === 'RatioTimeslices') {
      ctx.addIssue({
        code: 'custom',
        path: ['spec', 'budgetingMethod'],
        message: 'callstorm evaluates Occurrences and Timeslices; RatioTimeslices is not supported',
      });
    }
    const threshold = s.indicator?.spec.thresholdMetric !== undefined;
    if (threshold && s.budgetingMethod !== 'Timeslices') {
      ctx.addIssue({
        code: 'custom',
        path: ['spec', 'budgetingMethod'],
        message:
          'a thresholdMetric SLO needs budgetingMethod: Timeslices (the measure is compared per time slice)',
      });
    }
    s.objectives.forEach((o, i) => {
      if (s.budgetingMethod === 'Timeslices' && o.timeSliceWindow === undefined) {
        ctx.addIssue({
          code: 'custom',
          path: ['spec', 'objectives', i, 'timeSliceWindow'],
          message: 'Timeslices budgeting needs timeSliceWindow (e.g. 5m)',
        });
      }
      if (threshold && (o.op === undefined || o.value === undefined)) {
        ctx.addIssue({
          code: 'custom',
          path: ['spec', 'objectives', i],
          message: 'a thresholdMetric objective needs op (lte, lt, gte, gt) and value',
        });
      }
      if (
        s.budgetingMethod === 'Timeslices' &&
        !threshold &&
        s.indicatorRef === undefined &&
        o.timeSliceTarget === undefined
      ) {
        ctx.addIssue({
          code: 'custom',
          path: ['spec', 'objectives', i, 'timeSliceTarget'],
          message:
            'Timeslices over a ratio needs timeSliceTarget: the share of good events that makes a slice good',
        });
      }
    });
  });
export type SloDocument = z.infer<typeof sloDocumentSchema>;

export type OpenSloDocument = SloDocument | SliDocument;
