import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { createCallGenerator } from '../../simulators/callers/call-generator.ts';
import { loadDrill } from '../../src/chaos/drill-schema.ts';
import { evaluationContext } from '../../src/run-folder/evaluation-context.ts';
import { loadScenario } from '../../src/scenario/load-scenario.ts';
import { evaluateRun } from '../../src/slo/evaluate-run.ts';
import { ROOT, runCli } from '../helpers/run-cli.ts';
import { writeValidRunFolder } from './valid-run-folder.ts';

const root = mkdtempSync(join(tmpdir(), 'callstorm-eval-context-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const json = (path: string) => JSON.parse(readFileSync(path, 'utf8'));
const sha256 = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex');

/** The collections vertical as a user's own file, under another name. */
function customVertical(): string {
  const path = join(root, 'my-collections.yaml');
  const text = readFileSync(join(ROOT, 'scenarios/verticals/collections.yaml'), 'utf8');
  writeFileSync(path, text.replace(/^name: collections$/m, 'name: my-collections'));
  return path;
}

describe('evaluationContext', () => {
  test('records every flow category, the sha256 of each scenario file and the resolved drill', () => {
    const scenario = loadScenario({ vertical: 'collections', stage: 'scale' });
    const drill = loadDrill('llm-regional-outage');
    const c = evaluationContext(scenario, drill, { vertical: 'collections', stage: 'scale' });
    expect(c.flowCategories).toEqual(
      Object.fromEntries(scenario.vertical.flows.map((f) => [f.id, f.category])),
    );
    expect(c.sources.map((s) => [s.role, s.path])).toEqual([
      ['vertical', 'scenarios/verticals/collections.yaml'],
      ['stage', 'scenarios/stages/scale.yaml'],
      ['population', 'scenarios/populations/uk-ie.yaml'],
      ['drill', 'scenarios/drills/llm-regional-outage.yaml'],
      ['slos', 'scenarios/slos/scale.yaml'],
      ['prices', 'scenarios/prices/uk-2026.yaml'],
    ]);
    for (const s of c.sources) expect(s.sha256).toBe(sha256(join(ROOT, s.path)));
    expect(c.drill).toMatchObject({
      name: 'llm-regional-outage',
      method: [{ id: 'llm-primary-down', at: 900_000 }],
    });
  });
});

describe('a custom --vertical file: the pilot SLO gets its data from what the run recorded', () => {
  test('evaluated from the manifest, never from a vertical looked up by name', () => {
    const path = customVertical();
    const dir = writeValidRunFolder(join(root, 'custom'), { drill: false });
    const m = json(join(dir, 'manifest.json'));
    const scenario = loadScenario({ vertical: path, stage: 'pilot' });
    const evaluation = evaluationContext(scenario, null, { vertical: path, stage: 'pilot' });
    expect(evaluation.sources[0]).toMatchObject({ role: 'vertical', ref: path, path, sha256: sha256(path) });
    const withContext = {
      ...m,
      scenario: { ...m.scenario, vertical: 'my-collections', stage: 'pilot' },
      evaluation,
    };
    writeFileSync(join(dir, 'manifest.json'), JSON.stringify(withContext));
    const e = evaluateRun(dir);
    const named = e.slos.find((s) => s.name === 'named-flow-containment')!;
    expect(named.total).toBe(40);
    expect(e.notes).toEqual([]);

    // The same folder as an older callstorm wrote it: evaluated as before, and the report says why.
    const { evaluation: _dropped, ...old } = withContext;
    writeFileSync(join(dir, 'manifest.json'), JSON.stringify(old));
    const before = evaluateRun(dir);
    expect(before.slos.find((s) => s.name === 'named-flow-containment')!.total).toBe(0);
    expect(before.notes).toEqual([
      'manifest.json was written before callstorm recorded flow categories, and "my-collections" is not a shipped vertical: SLOs that select calls by flow category (the pilot\'s named-flow containment) have no data',
    ]);
    const r = runCli(['report', dir, '--out', join(root, 'custom-report')]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('note: manifest.json was written before callstorm recorded flow categories');
    const html = readFileSync(join(root, 'custom-report', 'index.html'), 'utf8');
    expect(html).toContain('<section id="notes"><h2>Notes on the evidence</h2>');
  }, 60_000);

  test('callstorm ingest k6 --vertical ./file.yaml records the context, and report measures the pilot SLO', () => {
    const path = customVertical();
    const scenario = loadScenario({ vertical: path, stage: 'pilot' });
    const plans = [...createCallGenerator(scenario, { seed: 1, window: 'peak-hour' }).plans()].slice(0, 12);
    const points = plans.map((p, i) =>
      JSON.stringify({
        type: 'Point',
        metric: 'callstorm_calls',
        data: {
          time: '2026-03-30T09:00:00.000Z',
          value: 1,
          tags: {
            call: p.id,
            by: 'caller-done',
            at_turn: '0',
            index: String(i),
            ended_ms: String(Math.round(p.arrivalMs) + 60_000),
            agent_audio_ms: '0',
            dead_lettered: '0',
          },
        },
      }),
    );
    const ndjson = join(root, 'runner.ndjson');
    writeFileSync(ndjson, `${points.join('\n')}\n`);
    const out = join(root, 'ingested');
    const ingest = runCli(['ingest', 'k6', ndjson, '--vertical', path, '--stage', 'pilot', '--out', out]);
    expect(ingest.code, ingest.stderr).toBe(0);
    const m = json(join(out, 'manifest.json'));
    expect(m.evaluation.sources[0]).toMatchObject({ role: 'vertical', path, sha256: sha256(path) });
    expect(m.evaluation.flowCategories).toEqual(
      Object.fromEntries(scenario.vertical.flows.map((f) => [f.id, f.category])),
    );
    const report = runCli(['report', out]);
    expect(report.code, report.stderr).toBe(0);
    const named = json(join(out, 'verdict.json')).evaluation.slos.find(
      (s: { name: string }) => s.name === 'named-flow-containment',
    );
    const namedFlows = new Set(
      scenario.vertical.flows.filter((f) => f.category === 'named').map((f) => f.id),
    );
    expect(named.total).toBe(plans.filter((p) => p.flows.some((f) => namedFlows.has(f))).length);
    expect(named.total).toBeGreaterThan(0);

    // k6 output that would make a record the reader refuses is bad input, not an internal error.
    writeFileSync(ndjson, `${points.join('\n').replace(/"ended_ms":"\d+"/, '"ended_ms":"1e308"')}\n`);
    const bad = runCli([
      'ingest',
      'k6',
      ndjson,
      '--vertical',
      path,
      '--stage',
      'pilot',
      '--out',
      join(root, 'bad'),
    ]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(
      /^CS_ERR_K6_OUTPUT: cannot ingest k6 output .*: call \S+: endedAtMs: must be ≤ 31622400000/,
    );
  }, 90_000);
});

describe('the drill verdict is judged again from the folder', () => {
  test('a drill.json that differs from the folder is overruled, and the report says so', () => {
    const dir = writeValidRunFolder(join(root, 'tampered'));
    const d = json(join(dir, 'drill.json'));
    const judged = evaluateRun(dir).drillVerdict!;
    expect(judged).toEqual(d);
    const flipped = {
      ...d,
      passed: !d.passed,
      expectations: d.expectations.map((x: object) => ({ ...x, actual: 0.123 })),
    };
    writeFileSync(join(dir, 'drill.json'), JSON.stringify(flipped));
    const e = evaluateRun(dir);
    expect(e.drillVerdict).toEqual(judged);
    expect(e.notes).toHaveLength(1);
    expect(e.notes![0]).toMatch(
      new RegExp(
        `^the drill verdict judged again from calls.jsonl and faults.jsonl \\((passed|failed)\\) differs from drill.json \\(${flipped.passed ? 'passed' : 'failed'}\\): expectations\\[0\\]\\.actual is [^,]+, drill.json says 0.123; the report shows the verdict judged from the folder$`,
      ),
    );
  });

  test('without drill.json (a run that ended before writing it) the verdict is judged from the folder, with a note', () => {
    const dir = writeValidRunFolder(join(root, 'no-drill-json'));
    const d = json(join(dir, 'drill.json'));
    rmSync(join(dir, 'drill.json'));
    const e = evaluateRun(dir);
    expect(e.drillVerdict).toEqual(d);
    expect(e.notes![0]).toContain('no drill.json');
  });

  test('an older manifest (no recorded drill) keeps drill.json as it is, with a note', () => {
    const dir = writeValidRunFolder(join(root, 'old-drill'), { oldManifest: true });
    const e = evaluateRun(dir);
    expect(e.drillVerdict).toEqual(json(join(dir, 'drill.json')));
    expect(e.notes).toContain(
      'drill verdict as drill.json recorded it: manifest.json (written before callstorm recorded the drill) holds no drill to judge again',
    );
    expect(e.notes!.some((n) => n.includes('taken from the shipped vertical "collections"'))).toBe(true);
  });
});
