import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { stringify } from 'yaml';
import { drillKind, drillSpanMs, loadDrill, parseDrill } from '../../src/chaos/drill-schema.ts';
import { formatScenarioDuration, parseScenarioDuration } from '../../src/chaos/scenario-duration.ts';
import { isCallstormError } from '../../src/errors/callstorm-error.ts';
import { parseYaml } from '../../src/scenario/load-document.ts';
import { loadDocument } from '../../src/scenario/load-scenario.ts';
import { BUILTIN_SCENARIOS_DIR, builtinNames } from '../../src/scenario/scenario-files.ts';

const SHIPPED = [
  'asr-confidence-collapse',
  'combined',
  'crm-rate-limiting',
  'latency-spike',
  'llm-regional-outage',
];

function shipped(name: string): Record<string, any> {
  return parseYaml(readFileSync(join(BUILTIN_SCENARIOS_DIR, `drills/${name}.yaml`), 'utf8'), name) as Record<
    string,
    any
  >;
}

function issuesOf(data: unknown): string {
  try {
    parseDrill(data, 'test.yaml');
  } catch (error) {
    if (isCallstormError(error)) {
      expect(error.code).toBe('CS_ERR_SCENARIO_INVALID');
      expect(error.exitCode).toBe(2);
      return error.message;
    }
    throw error;
  }
  throw new Error('expected the drill to be refused');
}

describe('drill files', () => {
  test('the five shipped drills validate and fit a one-hour window', () => {
    expect(builtinNames('drills')).toEqual(SHIPPED);
    for (const name of SHIPPED) {
      const drill = loadDrill(name);
      expect(drill.name).toBe(name);
      expect(drillSpanMs(drill)).toBeLessThanOrEqual(60 * 60_000);
      // Steady state before the first fault.
      expect(Math.min(...drill.method.map((f) => f.at))).toBeGreaterThanOrEqual(15 * 60_000);
    }
  });

  test('durations are parsed to scenario milliseconds, with defaults filled in', () => {
    const drill = loadDrill('llm-regional-outage');
    expect(drill.method[0]).toMatchObject({
      at: 15 * 60_000,
      duration: 25 * 60_000,
      network: { toxic: 'down' },
    });
    expect(drill.steadyStateHypothesis.settle).toBe(5 * 60_000);
    expect(drill.stopConditions[0]!.window).toBe(5 * 60_000);
    expect(drill.rollbacks).toEqual(['clear-simulator-faults', 'reset-proxies']);
    const spike = loadDrill('latency-spike');
    expect(spike.method[0]!.network).toEqual({
      toxic: 'latency',
      attributes: { latency: 800, jitter: 200 },
      toxicity: 1,
      stream: 'downstream',
    });
  });

  test('callstorm validate accepts Drill files through drillKind', () => {
    const path = join(BUILTIN_SCENARIOS_DIR, 'drills/combined.yaml');
    const doc = loadDocument(path, drillKind);
    expect(doc.kind).toBe('Drill');
    expect((doc.value as { method: unknown[] }).method).toHaveLength(4);
  });

  test('an unknown drill name lists the shipped ones', () => {
    try {
      loadDrill('no-such-drill');
      throw new Error('expected an error');
    } catch (error) {
      if (!isCallstormError(error)) throw error;
      expect(error.code).toBe('CS_ERR_UNKNOWN_NAME');
      expect(error.hint).toContain('llm-regional-outage');
    }
  });

  test('scenario durations', () => {
    expect(parseScenarioDuration('90s')).toBe(90_000);
    expect(parseScenarioDuration('10m')).toBe(600_000);
    expect(parseScenarioDuration('1h30m')).toBe(5_400_000);
    expect(parseScenarioDuration('2m30s')).toBe(150_000);
    expect(parseScenarioDuration('250ms')).toBe(250);
    expect(parseScenarioDuration('0s')).toBe(0);
    for (const bad of ['', '10', '10 minutes', 'm', '1d', '-5m', '5m1h'])
      expect(parseScenarioDuration(bad)).toBeUndefined();
    expect(formatScenarioDuration(5_400_000)).toBe('1h30m');
    expect(formatScenarioDuration(90_000)).toBe('1m30s');
  });
});

describe('drill errors name the field by its path', () => {
  test('an unknown toxic', () => {
    const d = shipped('llm-regional-outage');
    d.method[0].network = { toxic: 'lag' };
    expect(issuesOf(d)).toMatch(
      /drill\.method\[0\]\.network\.toxic: Invalid discriminator value. Expected 'latency' .*'down'/,
    );
  });

  test('a toxic attribute of the wrong type, and one that does not exist', () => {
    const d = shipped('latency-spike');
    d.method[0].network.attributes = { latency: '800ms' };
    d.method[1].network.attributes = { latency: 400, wobble: 3 };
    const message = issuesOf(d);
    expect(message).toContain('drill.method[0].network.attributes.latency: expected number, received string');
    expect(message).toContain('drill.method[1].network.attributes: unknown field "wobble"');
  });

  test('a duration that is not one', () => {
    const d = shipped('llm-regional-outage');
    d.method[0].at = '15 minutes';
    d.method[0].duration = '0s';
    const message = issuesOf(d);
    expect(message).toContain('drill.method[0].at: "15 minutes" is not a duration');
    expect(message).toContain('drill.method[0].duration: a fault lasts longer than 0s');
  });

  test('an unknown simulator fault type lists the valid ones; bad params are named inside params', () => {
    const d = shipped('asr-confidence-collapse');
    d.method[0].simulator.type = 'asr-meltdown';
    expect(issuesOf(d)).toMatch(
      /drill\.method\[0\]\.simulator\.type: unknown simulator fault type "asr-meltdown": expected one of .*asr-confidence-collapse/,
    );
    const e = shipped('asr-confidence-collapse');
    e.method[0].simulator.params.targetMean = 1.5;
    expect(issuesOf(e)).toContain('drill.method[0].simulator.params.targetMean:');
  });

  test('a fault with neither or both of network and simulator', () => {
    const d = shipped('llm-regional-outage');
    delete d.method[0].network;
    expect(issuesOf(d)).toContain('drill.method[0].network: give exactly one of "network"');
  });

  test('an expectation during a fault that is not in the method; a duplicate fault id', () => {
    const d = shipped('combined');
    d.expectations[0].during = 'llm-tertiary-down';
    d.method[1].id = 'crm-throttled';
    const message = issuesOf(d);
    expect(message).toContain('drill.method[1].id: fault id "crm-throttled" is used twice');
    expect(message).toContain('drill.expectations[0].during: no fault "llm-tertiary-down" in method');
  });

  test('an unknown probe metric, a missing tolerance, an unknown expectation', () => {
    const d = shipped('crm-rate-limiting');
    d.steadyStateHypothesis.probes[0].metric = 'happiness';
    delete d.steadyStateHypothesis.probes[2].min;
    d.expectations[0].expect = 'miracles';
    const message = issuesOf(d);
    expect(message).toMatch(/drill\.steadyStateHypothesis\.probes\[0\]\.metric: .*'outcome-rate'/);
    expect(message).toContain('drill.steadyStateHypothesis.probes[2].min: required field is missing');
    expect(message).toMatch(/drill\.expectations\[0\]\.expect: .*'fallback-tier'/);
  });

  test('a stop condition with an unknown outcome and an unknown top-level field', () => {
    const d = shipped('crm-rate-limiting');
    d.stopConditions[0].outcomes = ['exploded'];
    d.hypothesis = {};
    const message = issuesOf(d);
    expect(message).toContain('drill.stopConditions[0].outcomes[0]: expected one of');
    expect(message).toContain('drill: unknown field "hypothesis"');
  });

  test('a YAML file with errors names the file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'callstorm-drill-'));
    const path = join(dir, 'broken.yaml');
    const d = shipped('latency-spike');
    d.method[0].target = 'LLM Primary';
    writeFileSync(path, stringify(d));
    try {
      loadDrill(path);
      throw new Error('expected an error');
    } catch (error) {
      if (!isCallstormError(error)) throw error;
      expect(error.message).toContain(path);
      expect(error.message).toContain('drill.method[0].target: expected a lower-case id');
    }
  });
});

test('a rate limit stated in scenario time admits speed × as many requests per wall second', async () => {
  const { inWallTime } = await import('../../src/chaos/fault-applier.ts');
  expect(inWallTime({ type: 'rate-limit', params: { rps: 5, burst: 10 }, probability: 1 }, 120)).toEqual({
    type: 'rate-limit',
    params: { rps: 600, burst: 10 },
    probability: 1,
  });
  expect(inWallTime({ type: 'latency', params: { ms: 800 }, probability: 1 }, 120)).toEqual({
    type: 'latency',
    params: { ms: 800 },
    probability: 1,
  });
});
