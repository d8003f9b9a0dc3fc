// Runs many `callstorm gate` / `callstorm report` command lines in one process (each through the
// real command modules and runAction, as main.ts does), so a fuzz test can try hundreds of run
// folders without paying a process start for each. argv: <cases.json> <results.json>.
import { readFileSync, writeFileSync } from 'node:fs';
import { Command, CommanderError } from 'commander';
import { registerGate } from '../../src/cli/gate-command.ts';
import { registerReport } from '../../src/cli/report-command.ts';

interface Case {
  readonly args: readonly string[];
}

const [casesPath, resultsPath] = process.argv.slice(2) as [string, string];
const cases = JSON.parse(readFileSync(casesPath, 'utf8')) as Case[];
const results: { code: number; stderr: string; ms: number; rssMb: number }[] = [];
const realOut = process.stdout.write.bind(process.stdout);
const realErr = process.stderr.write.bind(process.stderr);
let peakRss = 0;
for (const c of cases) {
  let stderr = '';
  process.stdout.write = (() => true) as typeof process.stdout.write;
  process.stderr.write = ((chunk: string | Uint8Array) => {
    stderr += String(chunk);
    return true;
  }) as typeof process.stderr.write;
  process.exitCode = undefined;
  const program = new Command('callstorm').exitOverride();
  registerGate(program);
  registerReport(program);
  const started = performance.now();
  try {
    await program.parseAsync(['node', 'callstorm', ...c.args]);
  } catch (error) {
    if (!(error instanceof CommanderError)) {
      stderr += `UNCAUGHT ${error instanceof Error ? error.stack : String(error)}`;
      process.exitCode = 99;
    } else process.exitCode = error.exitCode === 0 ? 0 : 2;
  }
  process.stdout.write = realOut;
  process.stderr.write = realErr;
  const rss = process.memoryUsage().rss / 2 ** 20;
  peakRss = Math.max(peakRss, rss);
  results.push({
    code: Number(process.exitCode ?? 0),
    stderr,
    ms: performance.now() - started,
    rssMb: rss,
  });
}
process.exitCode = 0;
writeFileSync(resultsPath, JSON.stringify({ results, peakRssMb: peakRss }));
