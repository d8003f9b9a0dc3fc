import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { BIN, ROOT, runCli } from '../helpers/run-cli.ts';

const dir = mkdtempSync(join(tmpdir(), 'callstorm-cli-'));

describe('callstorm generate / inspect / validate', () => {
  test('generate writes byte-identical JSONL for the same seed, and shards partition it', () => {
    const args = [
      'generate',
      '--vertical',
      'claims',
      '--stage',
      'scale',
      '--window',
      'peak-hour',
      '--seed',
      '42',
    ];
    const a = runCli([...args, '--out', join(dir, 'a.jsonl')]);
    const b = runCli([...args, '--out', join(dir, 'b.jsonl')]);
    expect(a.code, a.stderr).toBe(0);
    expect(b.code).toBe(0);
    const whole = readFileSync(join(dir, 'a.jsonl'), 'utf8');
    expect(readFileSync(join(dir, 'b.jsonl'), 'utf8')).toBe(whole);
    const lines = whole.trim().split('\n');
    expect(a.stderr).toContain(`${lines.length} plans (claims × scale, window peak-hour`);
    expect(JSON.parse(lines[0]!).schema).toBe('callstorm.call-plan/v1');

    const shards = [1, 2].map((k) => runCli([...args, '--shard', `${k}/2`]));
    const union = shards.flatMap((s) => s.stdout.trim().split('\n'));
    expect(union.sort()).toEqual([...lines].sort());
    expect(
      new Set(shards[0]!.stdout.trim().split('\n')).size + new Set(shards[1]!.stdout.trim().split('\n')).size,
    ).toBe(lines.length);
  });

  test('a reader that stops early (| head) ends generate quietly with exit 0', async () => {
    const child = spawn(
      process.execPath,
      [BIN, 'generate', '--vertical', 'collections', '--stage', 'scale'],
      {
        cwd: ROOT,
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let stderr = '';
    child.stderr.on('data', (d) => {
      stderr += String(d);
    });
    const [first] = (await once(child.stdout, 'data')) as [Buffer];
    expect(String(first)).toContain('"schema":"callstorm.call-plan/v1"');
    child.stdout.destroy(); // what `head` does once it has its lines
    const [code] = (await once(child, 'exit')) as [number];
    expect(stderr).toBe('');
    expect(code).toBe(0);
  });

  test('bad options are refused with exit 2, the option named and no stack trace', () => {
    for (const [args, message] of [
      [['--window', 'fortnight'], 'unknown window "fortnight"'],
      [['--shard', '3/2'], 'bad value for --shard'],
      [['--seed', 'abc'], 'bad value for --seed'],
      [['--window', '2026-05-01T09:00/2026-05-01T10:00'], 'lies outside the scenario month'],
      [['--window', '2026-03-02T09:00/2026-03-02T10:00/2026-03-02T11:00'], 'exactly two ends'],
      [['--window', '2026-02-30T00:00/2026-03-02T10:00'], 'February 2026 has no day 30'],
      [['--window', '2026-03-02T25:00/2026-03-03T10:00'], 'hour 25 does not exist'],
      [['--window', '2026-03-02T09:75/2026-03-02T10:00'], 'minute 75 does not exist'],
      [['--window', '2026-03-02T09:00:99/2026-03-02T10:00'], 'second 99 does not exist'],
      [['--shard', ''], 'bad value for --shard: "" is not k/n'],
      [['--seed', '1e3'], 'bad value for --seed'],
    ] as const) {
      const r = runCli(['generate', '--vertical', 'collections', '--stage', 'pilot', ...args]);
      expect(r.code).toBe(2);
      expect(r.stderr).toContain(message);
      expect(r.stderr).not.toMatch(/\n\s+at /);
    }
    const unknown = runCli(['generate', '--vertical', 'collections', '--stage', 'pilto']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('unknown stage "pilto"');
    expect(unknown.stderr).toContain('valid names: hardening, pilot, scale');
    expect(runCli(['generate', '--bogus']).code).toBe(2);
  });

  test('an explicit window in local time generates only calls inside it', () => {
    const r = runCli([
      'generate',
      '--vertical',
      'appointments',
      '--stage',
      'hardening',
      '--window',
      '2026-03-02T09:00/2026-03-02T10:30',
      '--seed',
      '3',
    ]);
    expect(r.code, r.stderr).toBe(0);
    const plans = r.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { arrivalAt: string });
    expect(plans.length).toBeGreaterThan(5);
    for (const p of plans) {
      expect(p.arrivalAt >= '2026-03-02T09:00:00.000Z').toBe(true);
      expect(p.arrivalAt < '2026-03-02T10:30:00.000Z').toBe(true);
    }
  });

  test('inspect shows pilot and scale side by side with the cohorts pilot never sees', () => {
    const r = runCli(['inspect', '--vertical', 'collections', '--stage', 'pilot', '--stage', 'scale']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/monthly volume\s+1,000\s+50,000/);
    expect(r.stdout).toMatch(/peak arrival rate\s+[\d.]+\/min\s+[\d.]+\/min/);
    expect(r.stdout).toMatch(/scottish\s+—\s+8\.0%/);
    expect(r.stdout).toContain('cohorts in scale that pilot never sees: scottish');
    const json = runCli([
      'inspect',
      '--vertical',
      'collections',
      '--stage',
      'pilot',
      '--stage',
      'scale',
      '--json',
    ]);
    const [pilot, scale] = JSON.parse(json.stdout) as {
      peakCallsPerMinute: number;
      peakConcurrency: number;
    }[];
    // 50× the volume: the peak rate scales by roughly that much (different calendars shift it a little).
    expect(scale!.peakCallsPerMinute / pilot!.peakCallsPerMinute).toBeGreaterThan(25);
    expect(scale!.peakConcurrency).toBeGreaterThan(pilot!.peakConcurrency);
  });
});
