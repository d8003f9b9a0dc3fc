import { describe, expect, test } from 'vitest';
import {
  type FaultEffects,
  noEffects,
  type RequestContext,
} from '../../../../simulators/dependencies/faults/fault-effects.ts';
import {
  faultRegistry,
  faultTypeByName,
  faultTypeNames,
} from '../../../../simulators/dependencies/faults/fault-registry.ts';
import { FaultSet, type FaultSpec } from '../../../../simulators/dependencies/faults/fault-set.ts';
import { seeded } from '../../../../simulators/seeded-random.ts';

const ctx = (simulator: RequestContext['simulator'], cohort?: string): RequestContext => ({
  simulator,
  endpoint: simulator,
  method: 'POST',
  path: '/v1/x',
  ...(cohort ? { cohort } : {}),
});

function effectsOf(kind: RequestContext['simulator'], specs: FaultSpec[], cohort?: string): FaultEffects {
  const faults = new FaultSet({ kind });
  for (const spec of specs) faults.set(spec);
  return faults.effectsFor(ctx(kind, cohort), seeded('registry'));
}

describe('fault registry', () => {
  test('every fault is registered under its own type name, with a description and a simulator', () => {
    for (const name of faultTypeNames) {
      const fault = faultRegistry[name];
      expect(fault.type).toBe(name);
      expect(fault.description.length).toBeGreaterThan(10);
      expect(fault.appliesTo.length).toBeGreaterThan(0);
    }
    expect(faultTypeNames).toEqual(
      expect.arrayContaining([
        'noop',
        'http-error',
        'rate-limit',
        'latency',
        'network-outage',
        'asr-error-rate',
      ]),
    );
  });

  test('noop changes nothing', () => {
    expect(effectsOf('crm', [{ type: 'noop' }])).toEqual(noEffects());
  });

  test('faultTypeByName does not resolve inherited object keys', () => {
    expect(() => faultTypeByName('toString')).toThrow(/unknown fault type "toString"/);
  });

  test('latency adds ms within ± jitter', () => {
    for (let i = 0; i < 20; i++) {
      const faults = new FaultSet({ kind: 'tts' });
      faults.set({ type: 'latency', params: { ms: 200, jitter: 50 } });
      const ms = faults.effectsFor(ctx('tts'), seeded(i)).addedLatencyMs;
      expect(ms).toBeGreaterThanOrEqual(150);
      expect(ms).toBeLessThanOrEqual(250);
    }
  });

  test('the LLM faults set first-token delay, truncation (shortest wins) and combined wrong-intent rate', () => {
    const effects = effectsOf('llm', [
      { type: 'llm-slow-first-token', params: { ms: 1500 } },
      { type: 'llm-truncated-stream', params: { afterChars: 80 } },
      { type: 'llm-truncated-stream', params: { afterChars: 40 } },
      { type: 'llm-quality-drop', params: { wrongIntentRate: 0.5 } },
      { type: 'llm-quality-drop', params: { wrongIntentRate: 0.5 } },
    ]);
    expect(effects.llm).toEqual({ firstTokenDelayMs: 1500, truncateAfterChars: 40, wrongIntentRate: 0.75 });
  });

  test('asr-confidence-collapse only hits its cohort; asr-error-rate sets the error rate', () => {
    const specs: FaultSpec[] = [
      { type: 'asr-confidence-collapse', params: { cohort: 'glaswegian', targetMean: 0.4 } },
      { type: 'asr-error-rate', params: { rate: 0.2 } },
    ];
    expect(effectsOf('asr', specs, 'glaswegian').asr).toEqual({ confidenceMean: 0.4, errorRate: 0.2 });
    expect(effectsOf('asr', specs, 'rp').asr).toEqual({ errorRate: 0.2 });
  });

  test('network-outage: refuse wins over hang', () => {
    expect(effectsOf('crm', [{ type: 'network-outage', params: { mode: 'hang' } }]).network).toBe('hang');
    expect(
      effectsOf('crm', [
        { type: 'network-outage', params: { mode: 'refuse' } },
        { type: 'network-outage', params: { mode: 'hang' } },
      ]).network,
    ).toBe('refuse');
  });

  test('http-error with rate 0 never rejects, rate 1 always does', () => {
    expect(effectsOf('crm', [{ type: 'http-error', params: { rate: 0 } }]).reject).toBeUndefined();
    expect(effectsOf('crm', [{ type: 'http-error', params: { rate: 1, status: 529 } }]).reject?.status).toBe(
      529,
    );
  });
});
