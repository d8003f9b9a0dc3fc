import { z } from 'zod';
import { recordedMs } from '../telemetry/call-record.ts';

export const FAULT_LOG_LINE_SCHEMA = 'callstorm.fault/v1' as const;

export const FAULT_EVENTS = ['applied', 'removed', 'failed', 'skipped', 'abort', 'rollback'] as const;

/**
 * One line of `faults.jsonl` as the run folder reader accepts it (written by src/chaos/fault-log.ts;
 * the type there and this schema are checked against each other in tests/run-folder). Fields
 * added by later versions are accepted (and left unread).
 */
export const faultLogLineSchema = z.object({
  schema: z.literal(FAULT_LOG_LINE_SCHEMA),
  event: z.enum(FAULT_EVENTS),
  runId: z.string().min(1),
  drill: z.string().nullable(),
  faultId: z.string().nullable(),
  target: z.string().nullable(),
  via: z.enum(['toxiproxy', 'simulator', 'emulated']).nullable(),
  type: z.string().nullable(),
  /** Scenario ms when it happened. */
  scenarioMs: recordedMs,
  plannedMs: recordedMs.nullable(),
  at: z.string(),
  detail: z.record(z.string(), z.unknown()).optional(),
  error: z.string().optional(),
});
export type FaultLogLine = z.output<typeof faultLogLineSchema>;
