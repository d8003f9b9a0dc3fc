import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import type { GateResult } from '../../src/slo/run-evaluation.ts';
import { runCli } from '../helpers/run-cli.ts';
import { healthyCalls, healthyScaleRuns, tempRoot, writeRunFolder } from '../slo/run-folders.ts';

const gateCli = (args: string[]) => runCli(['gate', ...args]);

test('callstorm gate prints GO and every reason, exit 0; NO-GO exit 1; INCONCLUSIVE exit 3', () => {
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

  // Callers abandoning in a valid run: evidence against the agent.
  const abandoning = writeRunFolder(root, {
    runId: 'abandoning',
    calls: healthyCalls((i) => (i % 10 === 0 ? { outcome: 'abandoned' } : {})),
  });
  const noGo = gateCli(['--stage', 'scale', abandoning, ...dirs.slice(1)]);
  expect(noGo.code).toBe(1);
  expect(noGo.stdout.split('\n')[0]).toMatch(/^NO-GO {2}scale/);
  expect(noGo.stdout).toContain(
    '  ✗ slo       abandonment in abandoning: Callers rarely give up: 90 % misses',
  );
  expect(noGo.stdout.trim().split('\n').at(-1)).toBe('1 of 52 conditions do not hold');

  // No baseline run: the evidence is missing a piece, which is no verdict on the agent.
  const open = gateCli(['--stage', 'scale', ...dirs.slice(1)]);
  expect(open.code).toBe(3);
  expect(open.stdout.split('\n')[0]).toMatch(/^INCONCLUSIVE {2}scale/);
  expect(open.stdout).toContain('  ? run       baseline run: every run had a drill');
  expect(open.stdout).toContain('1 of 40 could not be judged on this evidence');

  const json = gateCli(['--stage', 'scale', '--json', ...dirs]);
  expect(JSON.parse(json.stdout) as GateResult).toMatchObject({ go: true, verdict: 'GO' });
});

test('callstorm gate: no run folder is bad input (exit 2); a folder failing its checks is INCONCLUSIVE (exit 3)', () => {
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
  expect(broken.code).toBe(3);
  expect(broken.stderr).toBe('');
  expect(broken.stdout).toContain(
    `  ? run       ${baseline!} readable: the folder fails its integrity checks, so it is no evidence either way: cannot use run artefact ${join(baseline!, 'manifest.json')}: not valid JSON`,
  );

  const torn = writeRunFolder(root, { runId: 'torn' });
  writeFileSync(join(torn, 'calls.jsonl'), '{"schema":"callstorm.call/v1"\n{"schema": "x"}\n');
  const bad = gateCli(['--stage', 'scale', torn]);
  expect(bad.code).toBe(3);
  expect(bad.stdout).toContain(`${join(torn, 'calls.jsonl')}: line 1 is not valid JSON`);
  expect(bad.stdout).toContain('fix: the file was changed after the run wrote it');

  const noStage = gateCli([torn]);
  expect(noStage.code).toBe(2);
  expect(noStage.stderr).toContain('CS_ERR_BAD_ARGUMENT: bad value for --stage: no gate given');

  const unknown = gateCli(['--stage', 'production', torn]);
  expect(unknown.code).toBe(2);
  expect(unknown.stderr).toContain('CS_ERR_UNKNOWN_NAME: unknown gate "production"');
});
