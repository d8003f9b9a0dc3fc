import fc from 'fast-check';
import { expect, test } from 'vitest';
import {
  callerVoice,
  PITCH_LEVELS,
  RATE_LEVELS,
  TAPE_STEPS,
  VOICE_VARIANTS,
} from '../../../simulators/callers/caller-voice.ts';
import { espeakVoices } from '../../../simulators/callers/espeak.ts';
import { speakableText } from '../../../simulators/callers/speakable-text.ts';
import { loadScenario } from '../../../src/scenario/load-scenario.ts';
import { fixturePlan } from '../../fixtures/call-plans.ts';
import { describeWithEspeak } from '../../helpers/espeak-for-tests.ts';

const scenario = loadScenario({ vertical: 'collections', stage: 'scale' });
const population = scenario.population;

test("each cohort speaks with the population file's voice; a cohort without one takes defaultVoice", () => {
  const voices = Object.fromEntries(
    population.cohorts.map((c) => [c.id, callerVoice(fixturePlan({ cohort: c.id }), population)]),
  );
  expect(voices['scottish']).toMatchObject({ voice: 'en-gb-scotland', voiceSource: 'cohort' });
  expect(voices['brummie']).toMatchObject({ voice: 'en-gb-x-gbcwmd', voiceSource: 'cohort' });
  expect(voices['mancunian']).toMatchObject({ voice: 'en-gb-x-gbclan', voiceSource: 'cohort' });
  expect(voices['southern-standard']).toMatchObject({ voice: 'en-gb-x-rp', voiceSource: 'cohort' });
  expect(voices['multicultural-london']).toMatchObject({ voice: 'en-029', voiceSource: 'cohort' });
  expect(voices['welsh-english']).toMatchObject({ voice: 'en-gb', voiceSource: 'default' });
  expect(voices['irish']).toMatchObject({ voice: population.defaultVoice, voiceSource: 'default' });
  // A cohort the population does not know (a plan from elsewhere) also takes the default.
  expect(callerVoice(fixturePlan({ cohort: 'klingon' }), population)).toMatchObject({ voice: 'en-gb' });
});

test('a voice this espeak-ng lacks falls back to defaultVoice, then to en', () => {
  const scot = fixturePlan({ cohort: 'scottish' });
  expect(callerVoice(scot, population, new Set(['en-gb', 'en']))).toMatchObject({
    voice: 'en-gb',
    voiceSource: 'fallback',
  });
  expect(callerVoice(scot, population, new Set(['en']))).toMatchObject({
    voice: 'en',
    voiceSource: 'fallback',
  });
  expect(callerVoice(scot, population, new Set(['en-gb-scotland']))).toMatchObject({ voiceSource: 'cohort' });
});

test('rate, pitch, variant, tape speed and level come from the caller: deterministic and in range', () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 0, max: 10_000 }),
      fc.constantFrom(...population.cohorts.map((c) => c.id)),
      (index, cohort) => {
        const plan = fixturePlan({ index, cohort });
        const v = callerVoice(plan, population);
        expect(callerVoice(plan, population)).toEqual(v);
        expect(VOICE_VARIANTS).toContain(v.variant);
        expect(PITCH_LEVELS).toContain(v.pitch);
        expect(RATE_LEVELS).toContain(v.rate);
        expect(Math.abs(v.tapeStep)).toBeLessThanOrEqual(TAPE_STEPS);
        expect(v.levelDb).toBeGreaterThanOrEqual(-27);
        expect(v.levelDb).toBeLessThanOrEqual(-21);
      },
    ),
    { seed: 12, numRuns: 300 },
  );
  // Callers differ: over 200 callers most voice settings are taken.
  const voices = Array.from({ length: 200 }, (_, i) => callerVoice(fixturePlan({ index: i }), population));
  expect(new Set(voices.map((v) => v.variant)).size).toBe(VOICE_VARIANTS.length);
  expect(new Set(voices.map((v) => v.pitch)).size).toBe(PITCH_LEVELS.length);
  expect(new Set(voices.map((v) => v.tapeStep)).size).toBeGreaterThan(25);
});

test('account and phone numbers are read digit by digit; amounts, dates and years are left to espeak-ng', () => {
  expect(speakableText('my account number is 40442298.')).toBe(
    'my account number is four oh four four two two nine eight.',
  );
  expect(speakableText('Could I do £60 monthly from the 13th of April 2026?')).toBe(
    'Could I do £60 monthly from the 13th of April 2026?',
  );
  expect(speakableText('It is £12500.')).toBe('It is £12500.');
});

describeWithEspeak('espeak-ng voices', () => {
  test('every voice the population file names is installed', async () => {
    const installed = await espeakVoices();
    for (const voice of [
      population.defaultVoice,
      ...population.cohorts.flatMap((c) => (c.voice ? [c.voice] : [])),
    ])
      expect(installed.has(voice), voice).toBe(true);
  });
});
