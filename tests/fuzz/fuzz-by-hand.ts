// The CLI fuzz at a larger scale, by hand (not part of the suite):
//   npx tsx tests/fuzz/fuzz-by-hand.ts [scale=10] [seed=1515] [results.json]
// prints cases tried, exit codes, slowest cases, peak memory, and every case that broke a rule.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildCases } from './fuzz-cases.ts';
import { canMount, runFuzz } from './run-fuzz.ts';

const scale = Number(process.argv[2] ?? 10);
const seed = Number(process.argv[3] ?? 1515);
const out = process.argv[4];
const root = mkdtempSync(join(tmpdir(), 'callstorm-cli-fuzz-hand-'));
try {
  const mounts = canMount();
  const built = buildCases(
    root,
    {
      yaml: 120 * scale,
      options: 80 * scale,
      runFolders: 40 * scale,
      k6: 40 * scale,
      exports: 20 * scale,
      agents: 8,
    },
    seed,
  );
  const cases = built.cases.filter((c) => mounts || !c.mounts);
  const started = performance.now();
  const o = await runFuzz({ layout: built.layout, cases, caseTimeoutMs: 90_000, heapMb: 512, mounts });
  const byCode: Record<string, number> = {};
  for (const r of o.results)
    byCode[r.failure ? 'hung-or-crashed' : r.code] =
      (byCode[r.failure ? 'hung-or-crashed' : r.code] ?? 0) + 1;
  const bad = o.results.filter(
    (r) => r.failure || ![0, 1, 2].includes(r.code) || /CS_ERR_INTERNAL|\n\s+at |UNCAUGHT/.test(r.stderr),
  );
  const slowest = [...o.results].sort((a, b) => b.ms - a.ms).slice(0, 5);
  console.log(
    `cases ${o.results.length} (seed ${seed}, ×${scale}, mounts ${mounts}) in ${((performance.now() - started) / 1000).toFixed(0)} s`,
  );
  console.log(
    `exit codes ${JSON.stringify(byCode)}; peak RSS ${o.peakRssMb.toFixed(0)} MB; runner restarts ${o.restarts}`,
  );
  for (const r of slowest)
    console.log(
      `slow: ${r.ms.toFixed(0)} ms  ${cases[r.index]!.what} — ${cases[r.index]!.args.join(' ').slice(0, 160)}`,
    );
  for (const r of bad)
    console.log(
      `BAD #${r.index} ${cases[r.index]!.what}\n  ${cases[r.index]!.args.join(' ').slice(0, 300)}\n  ${r.failure ?? `exit ${r.code}`}\n${r.stderr.slice(0, 600)}`,
    );
  if (out)
    writeFileSync(
      out,
      JSON.stringify(
        o.results.map((r) => ({ ...r, what: cases[r.index]!.what, args: cases[r.index]!.args })),
      ),
    );
} finally {
  rmSync(root, { recursive: true, force: true });
}
