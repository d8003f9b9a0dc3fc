import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { afterAll, expect, test } from 'vitest';
import { corrupt, corruptionArb } from './corrupt-folder.ts';
import { writeValidRunFolder } from './valid-run-folder.ts';

const ENTRY = fileURLToPath(new URL('./fuzz-cli-entry.ts', import.meta.url));
const root = mkdtempSync(join(tmpdir(), 'callstorm-run-folder-fuzz-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** Cases: this many corrupted folders through `callstorm gate`, every tenth also through `report`. */
const CASES = 300;
const MEMORY_CAP_MB = 512;

test(`callstorm gate and report on ${CASES} corrupted run folders: exit 0, 1, 2 or 3 (gate: INCONCLUSIVE), never 70, each within seconds, under a ${MEMORY_CAP_MB} MB heap`, () => {
  const template = writeValidRunFolder(join(root, 'template'), { calls: 24 });
  const old = writeValidRunFolder(join(root, 'old'), { runId: 'old-run', calls: 24, oldManifest: true });
  const other = writeValidRunFolder(join(root, 'other'), { runId: 'other-run', calls: 20 });
  const corruptions = fc.sample(corruptionArb, { numRuns: CASES, seed: 1402 });
  const cases = corruptions.flatMap((c, i) => {
    const dir = join(root, `case-${i}`);
    cpSync(i % 3 === 2 ? old : template, dir, { recursive: true });
    corrupt(dir, c, other);
    const gate = { args: ['gate', '--stage', 'scale', dir], corruption: c };
    const report = { args: ['report', dir, '--out', join(root, `report-${i}`)], corruption: c };
    return i % 10 === 0 ? [gate, report] : [gate];
  });
  const casesPath = join(root, 'cases.json');
  const resultsPath = join(root, 'results.json');
  writeFileSync(casesPath, JSON.stringify(cases));
  const child = spawnSync(
    process.execPath,
    [`--max-old-space-size=${MEMORY_CAP_MB}`, '--import', 'tsx', ENTRY, casesPath, resultsPath],
    { encoding: 'utf8', timeout: 540_000 },
  );
  expect(child.status, child.stderr).toBe(0);
  const { results, peakRssMb } = JSON.parse(readFileSync(resultsPath, 'utf8')) as {
    results: { code: number; stderr: string; ms: number }[];
    peakRssMb: number;
  };
  expect(results).toHaveLength(cases.length);
  const byCode: Record<number, number> = {};
  for (const [i, r] of results.entries()) {
    byCode[r.code] = (byCode[r.code] ?? 0) + 1;
    const what = `${cases[i]!.args.join(' ')} (${JSON.stringify(cases[i]!.corruption).slice(0, 300)}):\n${r.stderr}`;
    // gate: a folder that fails its integrity checks is no evidence either way (INCONCLUSIVE, 3)
    // with the reader's message in its `readable` reason; report must draw it, so it exits 2.
    expect(cases[i]!.args[0] === 'gate' ? [0, 1, 2, 3] : [0, 1, 2], what).toContain(r.code);
    expect(r.stderr, what).not.toMatch(/CS_ERR_INTERNAL|\n\s+at |UNCAUGHT/);
    if (r.code === 2) expect(r.stderr, what).toMatch(/^CS_ERR_[A-Z_]+: .+\n {2}fix: /);
    expect(r.ms, what).toBeLessThan(15_000);
  }
  const slowest = Math.max(...results.map((r) => r.ms));
  console.info(
    `run-folder fuzz: ${results.length} command lines, exit codes ${JSON.stringify(byCode)}, slowest ${slowest.toFixed(0)} ms, peak RSS ${peakRssMb.toFixed(0)} MB`,
  );
  // Most corruptions must be caught (bad input, or a gate that will not judge the folder), not waved through.
  expect((byCode[2] ?? 0) + (byCode[3] ?? 0)).toBeGreaterThan(results.length / 2);
}, 600_000);
