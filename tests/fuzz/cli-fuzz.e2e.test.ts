import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, test } from 'vitest';
import { AGENT_BEHAVIOURS, buildCases, type CaseMix } from './fuzz-cases.ts';
import { canMount, runFuzz } from './run-fuzz.ts';

/**
 * The CLI fuzz (issue 15): a few hundred hostile command lines across the commands — broken and
 * hostile YAML, binary files, bad option values, special paths as inputs and as --out (a file,
 * /dev/null, /proc, /sys, a FIFO, a read-only mount, a full disk), corrupted run folders, damaged
 * k6 output and export folders, runs against misbehaving agents. Every case must exit 0, 1 or 2
 * (or 3, INCONCLUSIVE, from `gate` and `review`)
 * (never 70, never a stack trace; an exit 2 names the problem and the fix) within seconds, and the
 * whole lot runs under a heap cap. Deterministic: CALLSTORM_FUZZ_SEED (default 1515).
 * CALLSTORM_FUZZ_SCALE=10 multiplies the generated cases for a longer run by hand.
 */
const VERDICT_COMMANDS = new Set(['gate', 'review']);
const SEED = Number(process.env.CALLSTORM_FUZZ_SEED ?? 1515);
const SCALE = Number(process.env.CALLSTORM_FUZZ_SCALE ?? 1);
const MIX: CaseMix = {
  yaml: 120 * SCALE,
  options: 80 * SCALE,
  runFolders: 40 * SCALE,
  k6: 40 * SCALE,
  exports: 20 * SCALE,
  // Every misbehaving agent once (twice from ×2): each run takes a second or two.
  agents: AGENT_BEHAVIOURS.length * Math.min(SCALE, 2),
};
const HEAP_MB = 512;
const RSS_CAP_MB = 1_200;
const CASE_LIMIT_MS = 10_000;
const AGENT_CASE_LIMIT_MS = 60_000;

const root = mkdtempSync(join(tmpdir(), 'callstorm-cli-fuzz-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

test(
  `callstorm under a few hundred hostile command lines: exit 0, 1 or 2 within seconds, never 70, under a ${HEAP_MB} MB heap`,
  async () => {
    const mounts = canMount();
    if (!mounts) {
      if (process.env.CI === 'true')
        throw new Error('CI: the fuzz needs `unshare -m` (root) for its read-only and full folders');
      console.warn(
        'cli fuzz: no private mount namespace here (not root?): read-only and full-disk cases left out',
      );
    }
    const built = buildCases(root, MIX, SEED);
    const cases = built.cases.filter((c) => mounts || !c.mounts);
    const started = performance.now();
    const outcome = await runFuzz({
      layout: built.layout,
      cases,
      caseTimeoutMs: AGENT_CASE_LIMIT_MS + 30_000,
      heapMb: HEAP_MB,
      mounts,
    });
    const byCode: Record<string, number> = {};
    const problems: string[] = [];
    for (const r of outcome.results) {
      const c = cases[r.index]!;
      const what = `#${r.index} ${c.what}\n  callstorm ${c.args.map((a) => (a.length > 80 ? `${a.slice(0, 80)}…` : a)).join(' ')}\n  → ${r.failure ?? `exit ${r.code}`} in ${r.ms.toFixed(0)} ms\n${r.stderr.slice(0, 800)}`;
      byCode[r.code] = (byCode[r.code] ?? 0) + 1;
      const limit = c.agent ? AGENT_CASE_LIMIT_MS : CASE_LIMIT_MS;
      if (r.failure) problems.push(what);
      // 3 is INCONCLUSIVE, the documented verdict of `gate` (and `review`) on evidence that cannot
      // judge the agent: a folder failing its checks, too few calls.
      else if (![0, 1, 2].includes(r.code) && !(r.code === 3 && VERDICT_COMMANDS.has(c.args[0] ?? '')))
        problems.push(what);
      else if (/CS_ERR_INTERNAL|\n\s+at |UNCAUGHT/.test(r.stderr)) problems.push(what);
      else if (r.code === 2 && !/^(CS_ERR_[A-Z0-9_]+: [\s\S]+\n {2}fix: |error: )/m.test(r.stderr))
        problems.push(what);
      else if (r.ms > limit) problems.push(`${what}\n  (slower than ${limit / 1000} s)`);
    }
    const slowest = outcome.results.reduce((a, b) => (b.ms > a.ms ? b : a));
    console.info(
      `cli fuzz (seed ${SEED}, ×${SCALE}): ${outcome.results.length} cases in ${((performance.now() - started) / 1000).toFixed(0)} s, ` +
        `exit codes ${JSON.stringify(byCode)}, slowest ${slowest.ms.toFixed(0)} ms (${cases[slowest.index]!.what}: ${cases[slowest.index]!.args.slice(0, 3).join(' ')}), ` +
        `peak RSS ${outcome.peakRssMb.toFixed(0)} MB, mounts ${outcome.mounts ? 'yes' : 'no'}, runner restarts ${outcome.restarts}`,
    );
    expect(problems, problems.slice(0, 15).join('\n\n')).toEqual([]);
    expect(outcome.results).toHaveLength(cases.length);
    expect(outcome.peakRssMb).toBeLessThan(RSS_CAP_MB);
    // Most cases are bad input, and must be said so.
    expect(byCode[2] ?? 0).toBeGreaterThan(cases.length / 2);
  },
  600_000 * Math.max(1, SCALE),
);
