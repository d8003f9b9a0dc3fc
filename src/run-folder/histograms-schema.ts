import { z } from 'zod';
import { recordedMs } from '../telemetry/call-record.ts';

export const HISTOGRAMS_SCHEMA = 'callstorm.histograms/v1' as const;

const windowSchema = z.strictObject({
  startMs: recordedMs,
  count: z.number().int().min(0),
  /** hdr-histogram-js compressed base64. */
  histogram: z.string().regex(/^[A-Za-z0-9+/]*={0,2}$/, 'expected base64 (an encoded HDR histogram)'),
});

/**
 * `histograms.json`: HDR histograms of every latency metric per scenario-time window, for merging
 * shards and runs with other tools. callstorm's own percentiles come from the call records
 * (src/util/percentile.ts); the reader checks this file's shape and that its counts match
 * calls.jsonl.
 */
export const histogramsFileSchema = z.strictObject({
  schema: z.literal(HISTOGRAMS_SCHEMA),
  unit: z.literal('ms'),
  windowMs: z.number().int().positive(),
  metrics: z.record(z.string(), z.strictObject({ total: windowSchema, windows: z.array(windowSchema) })),
});
export type HistogramsFile = z.output<typeof histogramsFileSchema>;
