import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { parse } from 'yaml';
import type { CallPlan } from '../../simulators/callers/call-plan.ts';
import { ROOT, runCli } from '../helpers/run-cli.ts';

const out = mkdtempSync(join(tmpdir(), 'callstorm-k6-export-'));

describe('callstorm export k6', () => {
  const r = runCli([
    'export',
    'k6',
    '--vertical',
    'collections',
    '--stage',
    'scale',
    '--drill',
    'latency-spike',
    '--speed',
    '60',
    '--parallelism',
    '3',
    '--out',
    out,
  ]);

  test('writes a script that type-checks against @types/k6 with its own tsconfig', () => {
    expect(r.code, r.stderr).toBe(0);
    const tsc = join(ROOT, 'node_modules/typescript/bin/tsc');
    execFileSync(process.execPath, [tsc, '-p', join(out, 'tsconfig.json'), '--noEmit'], { encoding: 'utf8' });
    const script = readFileSync(join(out, 'script.ts'), 'utf8');
    expect(script).toContain('executor": "ramping-arrival-rate');
    expect(script).toContain('"p(95)<=3500"');
    expect(script).toContain('"rate<=0.01"');
    expect(script).toContain('"abortOnFail": true');
  });

  test("the stages integrate to the window's expected calls", () => {
    const m = JSON.parse(readFileSync(join(out, 'export.json'), 'utf8'));
    const opts = JSON.parse(
      /export const options = (\{[\s\S]*?\n\});/.exec(readFileSync(join(out, 'script.ts'), 'utf8'))![1]!,
    );
    const sc = opts.scenarios.calls;
    const unit = Number.parseInt(sc.timeUnit, 10);
    let rate = sc.startRate;
    let iterations = 0;
    for (const s of sc.stages) {
      const ms = Number.parseInt(s.duration, 10);
      iterations += (((rate + s.target) / 2) * ms) / unit;
      rate = s.target;
    }
    expect(iterations).toBeGreaterThan(m.expectedCalls * 0.97);
    expect(iterations).toBeLessThan(m.expectedCalls * 1.03);
    // At speed 60 a scenario hour is a wall minute.
    expect(
      sc.stages.reduce((a: number, s: { duration: string }) => a + Number.parseInt(s.duration, 10), 0),
    ).toBe(60_000);
  });

  test('the plan shards partition the window: union = all, disjoint, shard k = indices ≡ k-1 mod n', () => {
    const shards = [1, 2, 3].map(
      (k) => JSON.parse(readFileSync(join(out, `plans/shard-${k}-of-3.json`), 'utf8')) as CallPlan[],
    );
    const all = shards
      .flat()
      .map((p) => p.index)
      .sort((a, b) => a - b);
    const m = JSON.parse(readFileSync(join(out, 'export.json'), 'utf8'));
    expect(all).toEqual(Array.from({ length: m.planCount }, (_, i) => i));
    shards.forEach((plans, i) => {
      expect(plans.every((p) => p.index % 3 === i)).toBe(true);
    });
  });

  test('the TestRun runs n runners with the matching segment sequence', () => {
    const tr = parse(readFileSync(join(out, 'testrun.yaml'), 'utf8'));
    expect(tr.apiVersion).toBe('k6.io/v1alpha1');
    expect(tr.kind).toBe('TestRun');
    expect(tr.spec.parallelism).toBe(3);
    expect(tr.spec.script.configMap.file).toBe('script.ts');
    expect(tr.spec.arguments).toContain('--execution-segment-sequence 0,1/3,2/3,1');
  });

  test('bad --parallelism exits 2', () => {
    const bad = runCli([
      'export',
      'k6',
      '--vertical',
      'collections',
      '--stage',
      'pilot',
      '--parallelism',
      '0',
      '--out',
      join(out, 'x'),
    ]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--parallelism');
  });
});
