import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { CALL_PLAN_SCHEMA, type CallPlan } from '../../../simulators/callers/call-plan.ts';
import { parseWindowSpec } from '../../../simulators/callers/window-spec.ts';
import { CallstormError } from '../../errors/callstorm-error.ts';
import { describeIssues } from '../../run-folder/artefact-issues.ts';
import { evaluationContextSchema } from '../../run-folder/evaluation-context-schema.ts';
import { crmOperations } from '../../scenario/crm-operations.ts';
import { MAX_RECORDED_MS } from '../../telemetry/call-record.ts';
import { BoundedReadError, readTextBounded } from '../../util/bounded-read.ts';

const MiB = 1024 * 1024;
/** export.json at most; one plans/*.json shard at most (a month of scale traffic in one shard is ~300 MiB). */
export const K6_EXPORT_LIMITS = { manifest: 8 * MiB, shard: 512 * MiB } as const;

const name = z.string().min(1).max(200);
const ms = z.number().min(0).max(MAX_RECORDED_MS);
const count = z.number().int().min(0).max(10_000);
const strings = z.record(z.string().max(10_000), z.string().max(10_000));

const isWindowSpec = (text: string): boolean => {
  try {
    parseWindowSpec(text);
    return true;
  } catch {
    return false;
  }
};

/** What ingest reads of export.json (the rest is for people and k6). */
export const k6ExportManifestSchema = z
  .object({
    schema: z.literal('callstorm.k6-export/v1'),
    runId: name,
    vertical: name,
    stage: name,
    window: name.refine(isWindowSpec, 'not a window: a window name (peak-hour, …) or START/END'),
    windowStart: z.iso.datetime(),
    windowEnd: z.iso.datetime(),
    seed: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
    speed: z.number().min(0.1).max(10_000),
    drill: name.nullable(),
    expectedCalls: z.number().min(0).max(1e9),
    evaluation: evaluationContextSchema.optional(),
  })
  .refine((m) => Date.parse(m.windowEnd) > Date.parse(m.windowStart), {
    path: ['windowEnd'],
    message: 'must be after windowStart',
  });
export type K6ExportScope = z.infer<typeof k6ExportManifestSchema>;

const turnSchema = z.object({
  id: name,
  index: count,
  kind: z.enum(['open', 'inform', 'clarify', 'correction', 'ask-human', 'close']),
  text: z.string().max(100_000),
  speechMs: ms,
  thinkMs: ms,
  bargeInAtMs: ms.nullable(),
  slots: strings,
  expect: z.object({
    intent: z.string().max(200),
    flow: z.string().max(200),
    inScope: z.boolean(),
    action: z.enum(['continue', 'transfer', 'end']),
    transferReason: z.string().max(200).optional(),
    reads: z.array(z.string().max(200)).max(100),
    writes: z.array(z.string().max(200)).max(100),
  }),
});

/** A call plan as `callstorm export k6` wrote it (the judge reads every field it checks). */
export const exportedPlanSchema = z.object({
  schema: z.literal(CALL_PLAN_SCHEMA),
  id: name,
  index: z.number().int().min(0),
  arrivalMs: ms,
  arrivalAt: z.string().max(64),
  vertical: name,
  stage: name,
  caller: z.object({
    name: z.string().max(200),
    firstName: z.string().max(200),
    accountId: z.string().max(200),
    phone: z.string().max(200),
    postcode: z.string().max(200),
    dateOfBirth: z.string().max(200),
    email: z.string().max(200),
  }),
  region: z.string().max(64),
  locale: z.string().max(64),
  cohort: z.string().max(200),
  noise: z.string().max(200),
  complexity: z.string().max(200),
  intents: z.array(z.string().max(200)).max(100),
  flows: z.array(z.string().max(200)).max(100),
  consentRequired: z.boolean(),
  patienceMs: ms,
  asksForHumanAtTurn: count.nullable(),
  turns: z.array(turnSchema).min(1).max(1_000),
  expectedWrites: z
    .array(
      z.object({
        id: name,
        op: z.string().refine((op) => Object.hasOwn(crmOperations, op), 'not a CRM operation'),
        flow: z.string().max(200),
        args: strings,
      }),
    )
    .max(100),
  expectedEnd: z.object({ action: z.enum(['end', 'transfer']), reason: z.string().max(200).optional() }),
});

function k6Error(path: string, reason: string): CallstormError {
  return new CallstormError('CS_ERR_K6_OUTPUT', { path, reason });
}

function readJson(path: string, maxBytes: number, what: string): unknown {
  let text: string;
  try {
    text = readTextBounded(path, maxBytes);
  } catch (error) {
    if (error instanceof BoundedReadError) {
      throw error.reason === 'no such file'
        ? k6Error(path, `no ${what} here: pass --from the folder \`callstorm export k6\` wrote`)
        : k6Error(path, error.reason);
    }
    throw error;
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw k6Error(path, `not valid JSON (${(error as Error).message})`);
  }
}

/** export.json of an export folder, through its schema. */
export function readK6ExportManifest(dir: string): K6ExportScope {
  let isDir = false;
  try {
    isDir = statSync(dir).isDirectory();
  } catch {
    isDir = false;
  }
  if (!isDir) throw k6Error(dir, 'not a folder: pass --from the folder `callstorm export k6` wrote');
  const path = join(dir, 'export.json');
  const parsed = k6ExportManifestSchema.safeParse(readJson(path, K6_EXPORT_LIMITS.manifest, 'export.json'));
  if (!parsed.success) {
    throw k6Error(path, `${describeIssues(parsed.error.issues)} (export again with \`callstorm export k6\`)`);
  }
  return parsed.data;
}

/** The plans of an export folder (plans/*.json), each through exportedPlanSchema, each id once. */
export function readK6ExportPlans(dir: string): Map<string, CallPlan> {
  const plansDir = join(dir, 'plans');
  let files: string[];
  try {
    files = readdirSync(plansDir, { withFileTypes: true })
      .filter((e) => e.isFile() && e.name.endsWith('.json'))
      .map((e) => e.name)
      .sort();
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw k6Error(
      plansDir,
      code === 'ENOENT'
        ? 'the export folder has no plans/ folder: pass --from the folder `callstorm export k6` wrote, or export again'
        : `cannot list it (${code ?? (error as Error).message})`,
    );
  }
  if (files.length === 0)
    throw k6Error(plansDir, 'holds no plan shards (plans/shard-K-of-N.json): export again');
  const plans = new Map<string, CallPlan>();
  for (const f of files) {
    const path = join(plansDir, f);
    const list = z.array(z.unknown()).safeParse(readJson(path, K6_EXPORT_LIMITS.shard, 'plan shard'));
    if (!list.success) throw k6Error(path, 'not a list of call plans');
    for (const [i, raw] of list.data.entries()) {
      const p = exportedPlanSchema.safeParse(raw);
      if (!p.success) throw k6Error(path, `plan [${i}]: ${describeIssues(p.error.issues)}`);
      if (plans.has(p.data.id)) throw k6Error(path, `plan [${i}]: id "${p.data.id}" is in the export twice`);
      plans.set(p.data.id, p.data as CallPlan);
    }
  }
  return plans;
}
