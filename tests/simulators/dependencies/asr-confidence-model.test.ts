import { expect, test } from 'vitest';
import { AsrConfidenceModel } from '../../../simulators/dependencies/asr-confidence-model.ts';
import { degradeTranscript } from '../../../simulators/dependencies/asr-word-errors.ts';
import { seeded } from '../../../simulators/seeded-random.ts';
import { scenario } from '../../fixtures/simulator-world.ts';

const N = 2000;
const model = new AsrConfidenceModel({ seed: 11, population: scenario.population });

function sample(cohort: string, noise: string, faultMean?: number): { mean: number; sd: number } {
  const xs = Array.from(
    { length: N },
    (_, i) =>
      model.draw({
        utteranceId: `cs-11-${i}.u0`,
        attempt: 1,
        cohort,
        noise,
        ...(faultMean === undefined ? {} : { faultMean }),
      }).confidence,
  );
  const mean = xs.reduce((a, b) => a + b, 0) / N;
  const sd = Math.sqrt(xs.reduce((a, b) => a + (b - mean) ** 2, 0) / (N - 1));
  return { mean, sd };
}

test.each(scenario.population.cohorts.map((c) => [c.id, c.asr.meanConfidence, c.asr.sdConfidence] as const))(
  'confidence of %s averages its configured mean %d on a quiet line',
  (cohort, mean, sd) => {
    const s = sample(cohort, 'quiet');
    // Standard error of the mean is sd/√N ≈ 0.002; allow 4 of them.
    expect(Math.abs(s.mean - mean)).toBeLessThan(4 * (sd / Math.sqrt(N)) + 0.001);
    expect(s.sd).toBeGreaterThan(sd * 0.85);
    expect(s.sd).toBeLessThan(sd * 1.15);
  },
);

test('noise lowers the mean by its penalty', () => {
  const quiet = sample('scottish', 'quiet').mean;
  const speakerphone = sample('scottish', 'speakerphone').mean;
  expect(quiet - speakerphone).toBeGreaterThan(0.11 - 0.01);
  expect(quiet - speakerphone).toBeLessThan(0.11 + 0.01);
});

test('a confidence-collapse fault replaces the mean', () => {
  expect(Math.abs(sample('southern-standard', 'quiet', 0.4).mean - 0.4)).toBeLessThan(0.01);
});

test('the same utterance and attempt draw the same confidence; a retry draws again', () => {
  const a = model.draw({ utteranceId: 'cs-1-0.u1', attempt: 1, cohort: 'geordie', noise: 'car' });
  const b = model.draw({ utteranceId: 'cs-1-0.u1', attempt: 1, cohort: 'geordie', noise: 'car' });
  const retry = model.draw({ utteranceId: 'cs-1-0.u1', attempt: 2, cohort: 'geordie', noise: 'car' });
  expect(a.confidence).toBe(b.confidence);
  expect(retry.confidence).not.toBe(a.confidence);
});

test('word errors grow as confidence falls', () => {
  const text = 'Could I do £160 weekly from Tuesday the 10th of March, and is that all right with you?';
  const words = text.split(' ').length;
  const rate = (confidence: number) => {
    let errors = 0;
    for (let i = 0; i < 500; i++) {
      errors += degradeTranscript(
        {
          text,
          durationMs: 5000,
          confidence,
          wordErrorScale: 1,
          errorFactor: 1,
          slots: { amount: '160.00', frequency: 'weekly' },
        },
        seeded('wer', confidence, i),
      ).errors;
    }
    return errors / (500 * words);
  };
  const [high, mid, low] = [rate(0.95), rate(0.75), rate(0.45)];
  expect(high).toBeLessThan(0.08);
  expect(mid).toBeGreaterThan(high * 2);
  expect(low).toBeGreaterThan(mid * 1.5);
});

test('garbled slot words are reported, and the opening keeps an identifying token', () => {
  const persona = { name: 'Aisha Khan', accountId: '44325226', postcode: 'LS1 4AP' };
  const text = "Hi, my name's Aisha Khan, my account number is 44325226.";
  for (let i = 0; i < 200; i++) {
    const d = degradeTranscript(
      {
        text,
        durationMs: 3000,
        confidence: 0.05,
        wordErrorScale: 1.3,
        errorFactor: 1,
        slots: { accountId: '44325226' },
        persona,
      },
      seeded('open', i),
    );
    expect(d.transcript).toMatch(/Aisha|Khan|44325226/);
  }
  const d = degradeTranscript(
    {
      text: 'I can pay £160 weekly.',
      durationMs: 2000,
      confidence: 0.02,
      wordErrorScale: 1,
      errorFactor: 1,
      slots: { amount: '160.00', frequency: 'weekly' },
    },
    seeded('slots', 1),
  );
  expect(d.garbledSlots.length).toBeGreaterThan(0);
  expect(d.words.length).toBeGreaterThan(0);
});
