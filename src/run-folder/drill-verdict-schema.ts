import { z } from 'zod';
import { type Expectation, expectationSchema, type Probe, probeSchema } from '../chaos/drill-schema.ts';
import { recordedMs } from '../telemetry/call-record.ts';

type NonEmpty<T> = [T, ...T[]];
const PROBE_METRICS = probeSchema.options.map((o) => o.shape.metric.value) as NonEmpty<Probe['metric']>;
const EXPECTATION_KINDS = expectationSchema.options.map((o) => o.shape.expect.value) as NonEmpty<
  Expectation['expect']
>;

const count = z.number().int().min(0);
const measured = z.number().nullable();

export const probeResultSchema = z.strictObject({
  name: z.string(),
  metric: z.enum(PROBE_METRICS),
  actual: measured,
  /** `≤ 0.02`, `≥ 0.55`, `p95 ≤ 2500 ms`. */
  tolerance: z.string(),
  passed: z.boolean(),
  note: z.string().optional(),
});
export type ProbeResult = z.output<typeof probeResultSchema>;

export const steadyStateResultSchema = z.strictObject({
  phase: z.enum(['before', 'after']),
  /** Scenario ms: before = calls that ended before `toMs`; after = calls that arrived from `fromMs`. */
  fromMs: recordedMs.nullable(),
  toMs: recordedMs.nullable(),
  calls: count,
  probes: z.array(probeResultSchema),
  passed: z.boolean(),
});
export type SteadyStateResult = z.output<typeof steadyStateResultSchema>;

export const expectationResultSchema = z.strictObject({
  name: z.string(),
  expect: z.enum(EXPECTATION_KINDS),
  during: z.string(),
  /** The fault's active window in scenario ms (null when it never took effect). */
  window: z.strictObject({ fromMs: recordedMs, toMs: recordedMs }).nullable(),
  actual: measured,
  expected: z.string(),
  samples: count,
  unit: z.enum(['turns', 'transfers', 'calls', 'escalated calls', 'expected writes']),
  passed: z.boolean(),
  note: z.string().optional(),
});
export type ExpectationResult = z.output<typeof expectationResultSchema>;

/** `drill.json`: a drill's verdict over a run (src/slo/drill-verdict.ts judges it). */
export const drillVerdictSchema = z.strictObject({
  drill: z.string().min(1),
  /** The run it judged (absent in drill.json files written before callstorm recorded it). */
  runId: z.string().min(1).optional(),
  steadyState: z.strictObject({ before: steadyStateResultSchema, after: steadyStateResultSchema }),
  expectations: z.array(expectationResultSchema),
  aborted: z.strictObject({ reason: z.string(), condition: z.string(), atMs: recordedMs }).nullable(),
  passed: z.boolean(),
});
export type DrillVerdict = z.output<typeof drillVerdictSchema>;
