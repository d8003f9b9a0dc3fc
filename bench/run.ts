import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/**
 * `npm run bench`: prints the project's performance figures. Each benchmark runs in its own
 * child process so peak RSS and JIT state are its own. Figures, not pass/fail: these machines are
 * shared and noisy; compare ratios measured in one run.
 */
const here = (f: string) => fileURLToPath(new URL(f, import.meta.url));

function child<T>(script: string, args: string[] = []): T {
  const r = spawnSync(process.execPath, ['--import', 'tsx', here(script), 'child', ...args], {
    encoding: 'utf8',
  });
  if (r.status !== 0) throw new Error(`${script} failed:\n${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').pop()!) as T;
}

const fmt = (n: number, digits = 0) =>
  n.toLocaleString('en-GB', { maximumFractionDigits: digits, minimumFractionDigits: digits });

console.log('callstorm benchmarks');
console.log(`node ${process.version}, ${(await import('node:os')).cpus().length} cores\n`);

console.log(
  'generator: plans written as JSONL to /dev/null, one core (target ≥ 50,000 plans/s; RSS flat in N, ≤ 300 MB at 1M)',
);
const sizes = [100_000, 1_000_000];
interface GeneratorFigure {
  plans: number;
  seconds: number;
  plansPerSecond: number;
  peakRssMb: number;
}
const results = sizes.map((n) => child<GeneratorFigure>('generator-bench.ts', [String(n)]));
for (const r of results) {
  console.log(
    `  ${fmt(r.plans).padStart(9)} plans  ${fmt(r.seconds, 1).padStart(6)} s  ${fmt(r.plansPerSecond).padStart(7)} plans/s  peak RSS ${fmt(r.peakRssMb)} MB`,
  );
}
console.log(`  RSS ratio 1M / 100k: ${fmt(results[1]!.peakRssMb / results[0]!.peakRssMb, 2)} (1.00 = flat)`);

console.log(
  '\nsimulators over HTTP, latency models at zero, 32 connections × 8 s (autocannon; simulators in their own process)',
);
for (const f of child<
  { name: string; requestsPerSecond: number; p50Ms: number; p99Ms: number; errors: number }[]
>('simulators-bench.ts')) {
  console.log(
    `  ${f.name.padEnd(48)} ${fmt(f.requestsPerSecond).padStart(7)} req/s  p50 ${fmt(f.p50Ms, 1)} ms  p99 ${fmt(f.p99Ms, 1)} ms  errors ${f.errors}`,
  );
}
