import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { runCli } from '../helpers/run-cli.ts';

// Only what `callstorm review` refuses before its first run: a whole review is `npm start`'s job.
test('callstorm review refuses a bad plan, speed or label before any run, naming it (exit 2)', () => {
  const out = join(mkdtempSync(join(tmpdir(), 'callstorm-review-cli-')), 'review');
  const dir = mkdtempSync(join(tmpdir(), 'callstorm-review-plan-'));
  const badPlan = join(dir, 'plan.yaml');
  writeFileSync(
    badPlan,
    'kind: Review\nname: mine\ntitle: x\nruns:\n  - { label: a, stage: pilot, window: A/B/C, speed: 0 }\n',
  );
  for (const [args, message] of [
    [['--plan', 'quarterly'], 'CS_ERR_UNKNOWN_NAME: unknown review plan "quarterly"'],
    [['--plan', badPlan], 'review.runs[0].window: "A/B/C": 3 parts'],
    [['--plan', badPlan], 'review.runs[0].speed: a speed is from 0.1 to 10,000'],
    [
      ['--speed', 'scale-pilot=50'],
      'bad value for --speed: review plan "promotion" has no run "scale-pilot"',
    ],
    [['--speed', 'pilot=1e-308'], 'bad value for --speed: "1e-308" is outside 0.1–10,000'],
    [['--speed-factor', '20'], 'bad value for --speed-factor: run "pilot" would play at ×24,000'],
    [['--seed', '-1'], 'bad value for --seed: "-1" is not a non-negative integer'],
  ] as const) {
    const r = runCli(['review', '--out', out, ...args]);
    expect(r.code, args.join(' ')).toBe(2);
    expect(r.stderr).toContain(message);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(r.stdout).toBe('');
  }
  expect(existsSync(out)).toBe(false);
});

test('callstorm review --help lists the plan and the speed overrides with their bounds', () => {
  const r = runCli(['review', '--help']);
  expect(r.code).toBe(0);
  const help = r.stdout.replace(/\s+/g, ' ');
  expect(help).toContain('--plan <name|file>');
  expect(help).toContain('(default: "promotion")');
  expect(help).toContain('--speed <label=factor>');
  expect(help).toContain('--speed-factor <f>');
  expect(help).toContain('0.001–100');
});
