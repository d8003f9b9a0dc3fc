import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { runCli } from '../helpers/run-cli.ts';
import { writeSyntheticRun } from './fixtures/synthetic-run-folder.ts';

let root: string;
let pilot: string;
let scale: string;

const cli = (args: string[]) => runCli(args);

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'callstorm-report-cli-'));
  pilot = writeSyntheticRun({
    dir: join(root, 'pilot'),
    runId: 'syn-pilot',
    stage: 'pilot',
    calls: 300,
    durationMs: 5 * 86_400_000,
  }).dir;
  scale = writeSyntheticRun({
    dir: join(root, 'scale'),
    runId: 'syn-scale',
    stage: 'scale',
    calls: 1_500,
    durationMs: 4 * 3_600_000,
    outage: true,
  }).dir;
});

afterAll(() => rmSync(root, { recursive: true, force: true }));

test('callstorm report writes every artefact into the run folder and prints the verdict', () => {
  const r = cli(['report', scale]);
  expect(r.code, r.stderr).toBe(0);
  expect(r.stdout).toMatch(/^(PASS|FAIL) {2}no gate applied; \d+ of \d+ SLOs met/);
  expect(r.stdout).toContain(`report: ${join(scale, 'index.html')}`);
  for (const f of [
    'index.html',
    'summary.md',
    'verdict.json',
    'junit.xml',
    'charts/latency.svg',
    'charts/latency.png',
  ]) {
    expect(existsSync(join(scale, f)), f).toBe(true);
  }
  const verdict = JSON.parse(readFileSync(join(scale, 'verdict.json'), 'utf8'));
  expect(verdict).toMatchObject({
    schema: 'callstorm.verdict/v1',
    gate: null,
    evaluation: { runId: 'syn-scale', calls: 1_500 },
  });
});

test('with --stage-gate the report opens with GO / NO-GO and the exit status follows the gate', () => {
  const out = join(root, 'gated');
  const r = cli(['report', scale, '--out', out, '--stage-gate', 'scale']);
  // One drill run alone cannot pass the scale gate: no baseline run, two drills not run.
  expect(r.code, r.stderr).toBe(1);
  expect(r.stdout).toMatch(/^NO-GO {2}gate "scale" for stage scale/);
  expect(r.stdout).toContain('baseline run');
  expect(readFileSync(join(out, 'index.html'), 'utf8')).toContain('<div class="label">NO-GO</div>');
  expect(readFileSync(join(out, 'junit.xml'), 'utf8')).toContain('<testsuite name="callstorm gate scale"');
});

test('callstorm compare writes a comparison with the distribution shift', () => {
  const out = join(root, 'compare');
  const r = cli(['compare', scale, pilot, '--out', out]);
  expect(r.code, r.stderr).toBe(0);
  expect(r.stdout).toContain('Distribution shift: Reweighted to the scale cohort mix');
  const summary = readFileSync(join(out, 'summary.md'), 'utf8');
  expect(summary).toMatch(/^# callstorm comparison: pilot → scale/);
  expect(existsSync(join(out, 'charts', 'distribution-shift.png'))).toBe(true);
  expect(existsSync(join(out, 'charts', 'slo-adherence.svg'))).toBe(true);
});

test('bad input exits 2 with a catalogue error, never a stack trace', () => {
  const missing = cli(['report', join(root, 'nope')]);
  expect(missing.code).toBe(2);
  expect(missing.stderr).toMatch(/^CS_ERR_RUN_ARTEFACT: /);
  const one = cli(['compare', scale, '--out', join(root, 'x')]);
  expect(one.code).toBe(2);
  expect(one.stderr).toContain('compare needs at least two run folders');
  const file = join(root, 'a-file');
  writeFileSync(file, 'not a folder');
  const blocked = cli(['report', scale, '--out', join(file, 'report')]);
  expect(blocked.code).toBe(2);
  // --out is checked before any work (a part of it is a file).
  expect(blocked.stderr).toMatch(
    /^CS_ERR_OUTPUT_LOCATION: cannot write the report to .*a-file is a file, not a folder/,
  );
  for (const r of [missing, one, blocked]) expect(r.stderr).not.toMatch(/\n\s+at /);
});
