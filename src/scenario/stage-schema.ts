import { z } from 'zod';
import { calendarSchema } from './calendar-schema.ts';
import { durationDistribution, identifier, probability, weightMix } from './schema-helpers.ts';
import { flowCategory } from './vertical-schema.ts';

export const behaviourSchema = z.strictObject({
  /** Dead air a caller tolerates waiting for a reply before hanging up. */
  patience: durationDistribution,
  /** Pause between the agent's reply and the caller's next utterance. */
  think: durationDistribution.prefault({ medianMs: 900, p90Ms: 2000 }),
  /** Speaking rate in words per minute (mean; ±15 % per caller). */
  speechWpm: z.number().min(60).max(300).default(160),
  /** Per turn: the caller talks over the agent's reply. */
  bargeIn: probability,
  /** Per call: the caller asks for a person part-way through. */
  askHuman: probability,
  /** Per call: the caller corrects a value they gave (scaled by the complexity class). */
  correction: probability,
});

export const humanQueueSchema = z.strictObject({
  /** Human agents answering escalated calls. */
  agents: z.number().int().min(1).default(8),
  /** Handle time of an escalated call. */
  handleTime: durationDistribution.prefault({ medianMs: 360_000, p90Ms: 720_000 }),
  /** Mean time a caller waits in the queue before giving up (exponential). */
  meanPatienceMs: z.number().positive().default(180_000),
  /** Service-level threshold: answered within this many seconds. */
  answerWithinSeconds: z.number().positive().default(20),
});

/** The recording notice a greeting must carry (docs/slos.md, "Recording notice"), as data. */
export const DEFAULT_NOTICE_PHRASES = [
  'this call is recorded',
  'this call may be recorded',
  'calls are recorded',
  'calls may be recorded',
  'call is being recorded',
  'recorded for training',
  'recorded for quality',
] as const;

/** Questions for personal data: the notice must come before the first of them. */
export const DEFAULT_PERSONAL_DATA_PHRASES = [
  'date of birth',
  'account number',
  'postcode',
  'post code',
  'your address',
  'your full name',
  'card number',
  'phone number',
  'reference number',
  'policy number',
  'security question',
] as const;

export const consentSchema = z.strictObject({
  /** The greeting carries the recording notice when it contains one of these (case and punctuation ignored). */
  noticePhrases: z
    .array(z.string().min(1))
    .min(1)
    .default([...DEFAULT_NOTICE_PHRASES]),
  /** A question for personal data contains one of these; the notice must come before the first. */
  personalDataPhrases: z.array(z.string().min(1)).default([...DEFAULT_PERSONAL_DATA_PHRASES]),
});

export const stageSchema = z.strictObject({
  kind: z.literal('Stage'),
  name: identifier,
  label: z.string().min(1),
  description: z.string().default(''),
  monthlyVolume: z.number().int().positive(),
  calendar: calendarSchema.prefault({}),
  population: z.strictObject({
    /**
     * The population catalogue the ids below come from: a shipped name (scenarios/populations/<name>.yaml)
     * or a path to a Population file, relative to this stage file.
     */
    catalogue: z.string().min(1).default('uk-ie'),
    dialects: weightMix('dialect cohort'),
    noise: weightMix('noise environment'),
    complexity: weightMix('complexity class'),
  }),
  behaviour: behaviourSchema,
  /** The contact centre's human queue that escalations go to. */
  humanQueue: humanQueueSchema.prefault({}),
  /** What counts as the recording notice, and as a question for personal data, for calls that require consent. */
  consent: consentSchema.prefault({}),
  flowMix: z.strictObject({
    /** Multiplies each flow's weight by its category's; every category is required, 0 leaves it out. */
    categories: z.record(flowCategory, z.number().min(0)),
    /** Per vertical, per flow id: a weight that replaces weight × category. */
    overrides: z.record(identifier, z.record(identifier, z.number().min(0))).default({}),
  }),
});

export type Behaviour = z.infer<typeof behaviourSchema>;
export type Stage = z.infer<typeof stageSchema>;
export type HumanQueueSettings = z.infer<typeof humanQueueSchema>;
export type ConsentPhrases = z.infer<typeof consentSchema>;
