import { z } from 'zod';
import { identifier, onlyIfValid, probability } from './schema-helpers.ts';

/**
 * A population catalogue (`scenarios/populations/*.yaml`): the dialect cohorts, noise
 * environments and complexity classes a stage can mix. The ASR simulator reads the cohort and
 * noise parameters; the generator reads the complexity classes; the caller speech renderer reads
 * each cohort's espeak-ng voice and each environment's noise (docs/speech.md).
 */

/** An espeak-ng voice name (`espeak-ng --voices`), e.g. `en-gb-scotland` or `en-gb-x-gbcwmd`. */
export const espeakVoice = z
  .string()
  .regex(/^[a-z]{2,3}(-[a-z0-9]+)*$/, 'expected an espeak-ng voice name such as "en-gb-scotland"');

export const cohortSchema = z
  .strictObject({
    id: identifier,
    label: z.string().min(1),
    /** Data-residency region of callers in this cohort: decides where their data may be processed. */
    region: z.enum(['uk', 'ie']),
    locale: z.string().regex(/^[a-z]{2}-[A-Z]{2}$/, 'expected a BCP 47 locale such as "en-GB"'),
    asr: z.strictObject({
      /** Mean per-utterance ASR confidence for a clean line. */
      meanConfidence: z.number().gt(0).lt(1),
      /** Spread of per-utterance confidence (standard deviation). */
      sdConfidence: z.number().positive(),
      /** Multiplies the word-error rate implied by (1 − confidence). */
      wordErrorScale: z.number().positive().default(1),
    }),
    /** espeak-ng voice the cohort's callers speak with; absent: the population's `defaultVoice`. */
    voice: espeakVoice.optional(),
  })
  .refine((c) => c.asr.sdConfidence ** 2 < c.asr.meanConfidence * (1 - c.asr.meanConfidence), {
    message:
      'sdConfidence is too large for meanConfidence: need sd² < mean × (1 − mean) for a Beta distribution',
    path: ['asr', 'sdConfidence'],
    when: onlyIfValid,
  });

export const noiseSchema = z.strictObject({
  id: identifier,
  label: z.string().min(1),
  snrDb: z.number(),
  /** Subtracted from the cohort's mean confidence. */
  confidencePenalty: z.number().min(0).max(0.5),
  /** Colour of the background noise mixed into caller speech at `snrDb` (docs/speech.md). */
  spectrum: z.enum(['white', 'pink', 'brown']).default('pink'),
});

export const complexitySchema = z.strictObject({
  id: identifier,
  label: z.string().min(1),
  /** Number of intents (flows) in one call. */
  intents: z.number().int().min(1).max(3),
  /** Multiplies the stage's correction probability. */
  correctionFactor: z.number().min(0).default(1),
  /** Extra clarification turns the caller needs ("sorry, what was that?"). */
  extraTurns: z.number().int().min(0).max(5).default(0),
  /** How hard the call is for the LLM: lowers intent accuracy (0 = no effect). */
  difficulty: probability.default(0),
});

export const populationSchema = z
  .strictObject({
    kind: z.literal('Population'),
    name: identifier,
    description: z.string().default(''),
    /** Voice of cohorts that name none, and of any voice this espeak-ng does not have. */
    defaultVoice: espeakVoice.default('en-gb'),
    cohorts: z.array(cohortSchema).min(1),
    noise: z.array(noiseSchema).min(1),
    complexity: z.array(complexitySchema).min(1),
  })
  .superRefine(
    (p, ctx) => {
      for (const key of ['cohorts', 'noise', 'complexity'] as const) {
        const seen = new Set<string>();
        p[key].forEach((item, i) => {
          if (seen.has(item.id))
            ctx.addIssue({ code: 'custom', message: `duplicate id "${item.id}"`, path: [key, i, 'id'] });
          seen.add(item.id);
        });
      }
    },
    { when: onlyIfValid },
  );

export type Cohort = z.infer<typeof cohortSchema>;
export type NoiseEnvironment = z.infer<typeof noiseSchema>;
export type ComplexityClass = z.infer<typeof complexitySchema>;
export type Population = z.infer<typeof populationSchema>;
