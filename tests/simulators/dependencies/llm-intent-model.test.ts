import { expect, test } from 'vitest';
import { LlmIntentModel } from '../../../simulators/dependencies/llm-intent-model.ts';
import { scenario } from '../../fixtures/simulator-world.ts';

const model = new LlmIntentModel({
  seed: 3,
  flows: scenario.vertical.flows,
  complexity: scenario.population.complexity,
});

function accuracy(confidence: number, complexity: string, wrongIntentRate = 0): number {
  let right = 0;
  const n = 3000;
  for (let i = 0; i < n; i++) {
    if (
      model.classify({
        key: `k${i}`,
        trueIntent: 'payment_arrangement',
        confidence,
        complexity,
        wrongIntentRate,
      }).correct
    )
      right++;
  }
  return right / n;
}

test('intent accuracy falls as ASR confidence falls', () => {
  const clean = accuracy(0.95, 'simple');
  const muddy = accuracy(0.7, 'simple');
  const bad = accuracy(0.45, 'simple');
  expect(clean).toBeGreaterThan(0.96);
  expect(muddy).toBeLessThan(clean - 0.04);
  expect(bad).toBeLessThan(muddy - 0.2);
});

test('complex calls are classified worse than simple ones', () => {
  expect(accuracy(0.95, 'complex')).toBeLessThan(accuracy(0.95, 'simple') - 0.08);
});

test('an llm-quality-drop fault subtracts its wrong-intent rate', () => {
  expect(Math.abs(accuracy(0.95, 'simple', 0.3) - (0.98 - 0.3))).toBeLessThan(0.03);
});

test('a wrong intent is another flow of the vertical', () => {
  const intents = new Set(scenario.vertical.flows.map((f) => f.intent));
  for (let i = 0; i < 300; i++) {
    const c = model.classify({
      key: `w${i}`,
      trueIntent: 'balance_enquiry',
      confidence: 0.2,
      complexity: 'complex',
      wrongIntentRate: 0.5,
    });
    if (!c.correct) {
      expect(c.intent).not.toBe('balance_enquiry');
      expect(intents.has(c.intent)).toBe(true);
    }
  }
});

test('the same key always classifies the same way', () => {
  const input = {
    key: 'cs-1-1.u2#1',
    trueIntent: 'promise_to_pay',
    confidence: 0.6,
    complexity: 'moderate',
    wrongIntentRate: 0,
  };
  expect(model.classify(input)).toEqual(model.classify(input));
});
