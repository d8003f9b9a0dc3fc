import type { Population } from '../../src/scenario/population-schema.ts';
import { pick, seeded } from '../seeded-random.ts';
import type { CallPlan } from './call-plan.ts';

/** What the speech renderer reads from a population: voices per cohort, noise per environment. */
export type SpeechPopulation = Pick<Population, 'defaultVoice'> & {
  readonly cohorts: readonly Pick<Population['cohorts'][number], 'id' | 'voice'>[];
  readonly noise: readonly Pick<Population['noise'][number], 'id' | 'snrDb' | 'spectrum'>[];
};

/** espeak-ng variants that sound like people (not robots, whispers or cartoons): six men, five women. */
export const VOICE_VARIANTS = ['m1', 'm2', 'm3', 'm4', 'm6', 'm7', 'f1', 'f2', 'f3', 'f4', 'f5'] as const;

/** espeak-ng pitches (`-p`) a caller's voice is set to. */
export const PITCH_LEVELS = [35, 40, 45, 50, 55, 60, 65] as const;

/** espeak-ng rates (words per minute) a caller's speaking rate is rounded to: few, so renders are shared. */
export const RATE_LEVELS = [130, 145, 160, 175, 190] as const;

/** Playback-speed steps: step k plays the voice at 1 + k/400 of its speed (pitch and tempo, ±4 %). */
export const TAPE_STEPS = 16;
export const TAPE_STEP = 1 / 400;

/** Last resort when neither the cohort's voice nor the population's default is installed. */
export const LAST_RESORT_VOICE = 'en';

/**
 * How one caller sounds. The espeak-ng part (voice, variant, rate, pitch) is what the speech cache
 * keys on, so it takes few values; the tape speed and level are applied after espeak-ng and take
 * many, so that callers who share a render still sound (and fingerprint) different.
 */
export interface CallerVoice {
  /** espeak-ng language voice. */
  readonly voice: string;
  /** Where the voice came from: the cohort, the population default, or a fallback for a missing voice. */
  readonly voiceSource: 'cohort' | 'default' | 'fallback';
  readonly variant: (typeof VOICE_VARIANTS)[number];
  /** espeak-ng words per minute (one of RATE_LEVELS). */
  readonly rate: number;
  /** espeak-ng pitch, 0–99. */
  readonly pitch: number;
  /** Playback speed step in −TAPE_STEPS … TAPE_STEPS. */
  readonly tapeStep: number;
  /** Active speech level, dBFS. */
  readonly levelDb: number;
}

/** Words per minute the plan's caller speaks at (its speech times are words ÷ wpm + 250 ms). */
export function plannedWpm(plan: CallPlan): number {
  for (const turn of plan.turns) {
    const words = turn.text.split(/\s+/).filter(Boolean).length;
    if (words > 0 && turn.speechMs > 250) return (words / (turn.speechMs - 250)) * 60_000;
  }
  return 160;
}

function nearest(levels: readonly number[], value: number): number {
  let best = levels[0]!;
  for (const level of levels) if (Math.abs(level - value) < Math.abs(best - value)) best = level;
  return best;
}

/**
 * The caller's voice: the cohort's espeak-ng voice (`voice` in the population file), else the
 * population's `defaultVoice`; a voice missing from `installed` falls back to `defaultVoice`, then
 * `en`. Variant, pitch, tape speed and level are drawn from the caller (their account); the rate is
 * the plan's speaking rate rounded to RATE_LEVELS. Deterministic.
 */
export function callerVoice(
  plan: CallPlan,
  population: SpeechPopulation,
  installed?: ReadonlySet<string>,
): CallerVoice {
  const cohortVoice = population.cohorts.find((c) => c.id === plan.cohort)?.voice;
  let voice = cohortVoice ?? population.defaultVoice;
  let voiceSource: CallerVoice['voiceSource'] = cohortVoice ? 'cohort' : 'default';
  if (installed && !installed.has(voice)) {
    voice = installed.has(population.defaultVoice) ? population.defaultVoice : LAST_RESORT_VOICE;
    voiceSource = 'fallback';
  }
  const rng = seeded('caller-voice', plan.caller.accountId, plan.caller.name);
  const variant = pick(rng, VOICE_VARIANTS);
  const pitch = pick(rng, PITCH_LEVELS);
  const tapeStep = Math.floor(rng() * (2 * TAPE_STEPS + 1)) - TAPE_STEPS;
  const levelDb = Math.round((-27 + rng() * 6) * 10) / 10;
  return {
    voice,
    voiceSource,
    variant,
    rate: nearest(RATE_LEVELS, plannedWpm(plan)),
    pitch,
    tapeStep,
    levelDb,
  };
}
