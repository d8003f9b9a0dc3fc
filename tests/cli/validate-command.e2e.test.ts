import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { expect, test } from 'vitest';
import { parse, stringify } from 'yaml';
import { BUILTIN_SCENARIOS_DIR } from '../../src/scenario/scenario-files.ts';
import { runCli } from '../helpers/run-cli.ts';

const dir = mkdtempSync(join(tmpdir(), 'callstorm-validate-'));
const shipped = (file: string) => readFileSync(join(BUILTIN_SCENARIOS_DIR, file), 'utf8');
const write = (name: string, text: string) => {
  const file = join(dir, name);
  writeFileSync(file, text);
  return file;
};

test('the CLI exits 2 with the field path and no stack trace', () => {
  const cases = fc.sample(
    fc.record({
      dialect: fc.constantFrom('southern-standard', 'mancunian'),
      weight: fc.double({ min: 0.01, max: 0.5, noNaN: true }),
    }),
    { numRuns: 3, seed: 7 },
  );
  for (const c of cases) {
    const doc = parse(shipped('stages/pilot.yaml')) as { population: { dialects: Record<string, number> } };
    doc.population.dialects[c.dialect] = (doc.population.dialects[c.dialect] ?? 0) + c.weight;
    const file = write(`cli-${c.dialect}.yaml`, stringify(doc));
    const r = runCli(['validate', file]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(
      /CS_ERR_SCENARIO_INVALID: .*invalid stage:\n {2}stage\.population\.dialects: weights sum to [\d.]+, expected 1/,
    );
    expect(r.stderr).toContain('fix:');
    expect(r.stderr).not.toMatch(/\n\s+at /);
  }
});

test('validate catches what generate would: an unknown dialect, a catalogue path, a flow the vertical lacks', () => {
  const pilot = shipped('stages/pilot.yaml');
  const unknownDialect = write('unknown-dialect.yaml', pilot.replace('mancunian: 0.1,', 'klingon: 0.1,'));
  const badCatalogue = write(
    'bad-catalogue.yaml',
    pilot.replace('catalogue: uk-ie', 'catalogue: ./no-such-population.yaml'),
  );
  const r = runCli(['validate', unknownDialect, badCatalogue]);
  expect(r.code).toBe(2);
  expect(r.stdout).toBe('');
  expect(r.stderr).toContain(
    `CS_ERR_SCENARIO_INVALID: ${unknownDialect} with population "uk-ie": invalid stage:\n  stage.population.dialects.klingon: no dialect cohort "klingon" in population "uk-ie"`,
  );
  expect(r.stderr).toContain(`${badCatalogue} (Stage pilot) refers to what cannot be used:`);
  expect(r.stderr).toContain(
    `CS_ERR_FILE_NOT_FOUND: cannot read ${join(dir, 'no-such-population.yaml')}: no such file`,
  );
  expect(r.stderr).not.toMatch(/\n\s+at /);

  // A vertical and a stage given together are composed as generate composes them.
  const overridden = write(
    'override.yaml',
    pilot.replace(/flowMix:\n/, 'flowMix:\n  overrides:\n    collections: { no-such-flow: 1 }\n'),
  );
  const pair = runCli(['validate', join(BUILTIN_SCENARIOS_DIR, 'verticals/collections.yaml'), overridden]);
  expect(pair.stderr).toContain(
    'stage.flowMix.overrides.collections.no-such-flow: vertical "collections" has no flow',
  );
  expect(pair.code).toBe(2);
  const ok = runCli(['validate', 'scenarios/verticals/claims.yaml', 'scenarios/stages/scale.yaml']);
  expect(ok.stderr).toBe('');
  expect(ok.stdout).toMatch(
    /^ok scenarios\/verticals\/claims\.yaml \(Vertical claims\)\nok scenarios\/stages\/scale\.yaml \(Stage scale; population uk-ie\)\nok scale × claims \(\d+ flows\)\n$/,
  );
  expect(ok.code).toBe(0);
});

test('validate takes a Review file and resolves its stages, drills and gates; a gate its SLO set', () => {
  const ok = runCli(['validate', 'scenarios/reviews/promotion.yaml', 'scenarios/gates/scale.yaml']);
  expect(ok.stderr).toBe('');
  expect(ok.stdout).toContain('ok scenarios/reviews/promotion.yaml (Review promotion; 9 runs, 4 verdicts');
  expect(ok.stdout).toContain('ok scenarios/gates/scale.yaml (Gate scale; SLO set scale)');
  expect(ok.code).toBe(0);

  const review = shipped('reviews/promotion.yaml');
  const bad = write('review.yaml', review.replace('drill: crm-rate-limiting', 'drill: ./no-drill.yaml'));
  const r = runCli(['validate', bad]);
  expect(r.code).toBe(2);
  expect(r.stderr).toContain(`CS_ERR_FILE_NOT_FOUND: cannot read ${join(dir, 'no-drill.yaml')}`);

  const gate = write(
    'gate.yaml',
    shipped('gates/scale.yaml').replace(
      'allowNoData: [human-queue-during-faults]',
      'allowNoData: [queue-nirvana]',
    ),
  );
  const g = runCli(['validate', gate]);
  expect(g.code).toBe(2);
  expect(g.stderr).toContain('gate.slos.allowNoData[0]: no SLO "queue-nirvana" in the set "scale"');
});

test('a kind that names a property of every object is an unknown kind, not an internal error', () => {
  for (const kind of ['__proto__', 'constructor', 'toString']) {
    const r = runCli(['validate', write(`${kind}.yaml`, `kind: ${kind}\nname: x\n`)]);
    expect(r.code, kind).toBe(2);
    expect(r.stderr).toContain(`unknown kind "${kind}": expected one of Vertical, Stage, Population`);
    expect(r.stderr).toContain('Review');
  }
});
