import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { stringify } from 'yaml';
import { isCallstormError } from '../../src/errors/callstorm-error.ts';
import { parseYaml } from '../../src/scenario/load-document.ts';
import { loadDocument, loadScenario } from '../../src/scenario/load-scenario.ts';
import { BUILTIN_SCENARIOS_DIR, builtinNames } from '../../src/scenario/scenario-files.ts';

const dir = mkdtempSync(join(tmpdir(), 'callstorm-scenario-'));

function write(name: string, data: unknown): string {
  const path = join(dir, name);
  writeFileSync(path, typeof data === 'string' ? data : stringify(data));
  return path;
}

function errorOf(fn: () => unknown): { code: string; message: string; exitCode: number } {
  try {
    fn();
  } catch (error) {
    if (isCallstormError(error))
      return { code: error.code, message: error.message, exitCode: error.exitCode };
    throw error;
  }
  throw new Error('expected an error');
}

const pilot = parseYaml(
  readFileSync(join(BUILTIN_SCENARIOS_DIR, 'stages/pilot.yaml'), 'utf8'),
  'pilot',
) as Record<string, any>;

describe('scenario files', () => {
  test('every shipped vertical composes with every shipped stage', () => {
    expect(builtinNames('verticals')).toEqual(
      expect.arrayContaining(['collections', 'appointments', 'claims']),
    );
    for (const vertical of builtinNames('verticals')) {
      for (const stage of ['pilot', 'hardening', 'scale']) {
        const s = loadScenario({ vertical, stage });
        expect(s.flows.length).toBeGreaterThan(0);
        expect(s.flows.reduce((a, f) => a + f.weight, 0)).toBeCloseTo(1, 9);
      }
      const pilotFlows = loadScenario({ vertical, stage: 'pilot' }).flows.length;
      expect(pilotFlows).toBeGreaterThanOrEqual(2);
      expect(pilotFlows).toBeLessThanOrEqual(3);
    }
  });

  test('a loaded scenario is frozen', () => {
    const s = loadScenario({ vertical: 'collections', stage: 'pilot' });
    expect(Object.isFrozen(s.stage.population.dialects)).toBe(true);
    expect(() => {
      (s.stage as { monthlyVolume: number }).monthlyVolume = 5;
    }).toThrow();
  });

  test('dialect weights that do not sum to 1 are named by path with the sum', () => {
    const bad = structuredClone(pilot);
    bad.population.dialects = { 'southern-standard': 0.7, mancunian: 0.13, 'west-country': 0.1 };
    const e = errorOf(() => loadDocument(write('dialects.yaml', bad)));
    expect(e.code).toBe('CS_ERR_SCENARIO_INVALID');
    expect(e.exitCode).toBe(2);
    expect(e.message).toContain('stage.population.dialects: weights sum to 0.93, expected 1');
  });

  test('unknown fields, wrong types, missing fields and bad enum values each name their path', () => {
    const bad = structuredClone(pilot);
    bad.monthlyVolum = 1000;
    delete bad.monthlyVolume;
    bad.behaviour.bargeIn = 'often';
    bad.calendar.businessHours.open = '9am';
    bad.flowMix.categories = { named: 1 };
    const e = errorOf(() => loadDocument(write('many.yaml', bad)));
    expect(e.message).toMatch(/stage: unknown field "monthlyVolum"/);
    expect(e.message).toMatch(/stage\.monthlyVolume: required field is missing \(expected number\)/);
    expect(e.message).toMatch(/stage\.behaviour\.bargeIn: expected number, received string/);
    expect(e.message).toMatch(/stage\.calendar\.businessHours\.open: expected a time on the half hour/);
    expect(e.message).toMatch(/stage\.flowMix\.categories\.common: required field is missing/);
    // Cross-field checks wait until the fields themselves are valid: no knock-on complaints.
    expect(e.message).not.toMatch(/open must be before close/);
  });

  test('a stage naming a cohort the population lacks is refused with the known cohorts', () => {
    const bad = structuredClone(pilot);
    bad.population.dialects = { 'southern-standard': 0.9, klingon: 0.1 };
    const path = write('klingon.yaml', bad);
    const e = errorOf(() => loadScenario({ vertical: 'collections', stage: path }));
    expect(e.message).toContain(
      'stage.population.dialects.klingon: no dialect cohort "klingon" in population "uk-ie"',
    );
    expect(e.message).toContain('southern-standard');
  });

  test('a vertical write with the wrong arguments and an unknown placeholder are refused', () => {
    const v = parseYaml(
      readFileSync(join(BUILTIN_SCENARIOS_DIR, 'verticals/collections.yaml'), 'utf8'),
      'v',
    ) as Record<string, any>;
    v.flows[0].writes[0].fields = { accountId: '{accountId}', amount: '{amount}' };
    v.flows[1].turns[0].say = 'My balance for {acount} please';
    const e = errorOf(() => loadDocument(write('vertical.yaml', v)));
    expect(e.message).toContain(
      'vertical.flows[0].writes[0].fields: create_payment_arrangement takes exactly accountId, amount, firstPaymentDate, frequency; missing firstPaymentDate, frequency',
    );
    expect(e.message).toContain('vertical.flows[1].turns[0].say: unknown placeholder {acount}');
  });

  test('YAML syntax errors give line and column; unknown names list the valid ones', () => {
    const e = errorOf(() => loadDocument(write('syntax.yaml', 'kind: Stage\nname: [oops\n')));
    expect(e.code).toBe('CS_ERR_YAML_SYNTAX');
    expect(e.message).toMatch(/line \d+, column \d+/);
    const u = errorOf(() => loadScenario({ vertical: 'colections', stage: 'pilot' }));
    expect(u.code).toBe('CS_ERR_UNKNOWN_NAME');
    expect(u.message).toContain('unknown vertical "colections"');
  });
});
