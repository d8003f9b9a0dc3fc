import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import type { GateResult } from '../../src/slo/run-evaluation.ts';
import { runCli } from '../helpers/run-cli.ts';
import { healthyScaleRuns, tempRoot, writeRunFolder } from '../slo/run-folders.ts';

const gateCli = (args: string[]) => runCli(['gate', ...args]);

test('callstorm gate prints GO and every reason, exit 0; NO-GO exit 1', () => {
  const root = tempRoot();
  const dirs = healthyScaleRuns(root);
  const go = gateCli(['--stage', 'scale', ...dirs]);
  expect(go.stderr).toBe('');
  expect(go.code).toBe(0);
  const lines = go.stdout.trim().split('\n');
  expect(lines[0]).toBe('GO  scale (scale) — Holds its SLOs at scale, through failures');
  expect(lines).toContain(
    '  ✓ drill     llm-regional-outage in llm-regional-outage: all 1 expectations held; steady state before the faults held (30 calls); steady state after recovery held (30 calls)',
  );
  expect(lines.at(-1)).toBe('all 52 conditions hold');

  const noGo = gateCli(['--stage', 'scale', ...dirs.slice(1)]);
  expect(noGo.code).toBe(1);
  expect(noGo.stdout.split('\n')[0]).toMatch(/^NO-GO {2}scale/);
  expect(noGo.stdout).toContain('  ✗ run       baseline run: every run had a drill');
  expect(noGo.stdout).toContain('1 of 40 conditions do not hold');

  const json = gateCli(['--stage', 'scale', '--json', ...dirs]);
  expect((JSON.parse(json.stdout) as GateResult).go).toBe(true);
});

test('callstorm gate exits 2 for bad input, naming the file and the fix', () => {
  const root = tempRoot();
  const [baseline] = healthyScaleRuns(root);
  const missing = gateCli(['--stage', 'scale', join(root, 'nope')]);
  expect(missing.code).toBe(2);
  expect(missing.stderr).toContain(
    `CS_ERR_RUN_ARTEFACT: cannot use run artefact ${join(root, 'nope')}: no such run folder`,
  );
  expect(missing.stderr).toContain('fix: pass the folder `callstorm run` wrote');

  writeFileSync(join(baseline!, 'manifest.json'), '{"schema": "callstorm.run/v1", ');
  const broken = gateCli(['--stage', 'scale', baseline!]);
  expect(broken.code).toBe(2);
  expect(broken.stderr).toContain(
    `cannot use run artefact ${join(baseline!, 'manifest.json')}: not valid JSON`,
  );

  const torn = writeRunFolder(root, { runId: 'torn' });
  writeFileSync(join(torn, 'calls.jsonl'), '{"schema":"callstorm.call/v1"\n{"schema": "x"}\n');
  const bad = gateCli(['--stage', 'scale', torn]);
  expect(bad.code).toBe(2);
  expect(bad.stderr).toContain(`${join(torn, 'calls.jsonl')}: line 1 is not valid JSON`);

  const noStage = gateCli([torn]);
  expect(noStage.code).toBe(2);
  expect(noStage.stderr).toContain('CS_ERR_BAD_ARGUMENT: bad value for --stage: no gate given');

  const unknown = gateCli(['--stage', 'production', torn]);
  expect(unknown.code).toBe(2);
  expect(unknown.stderr).toContain('CS_ERR_UNKNOWN_NAME: unknown gate "production"');
});
