// The child process of the CLI fuzz: runs the cases from <cases.json>, starting at <first>, one
// after another through the real command modules (buildProgram, as main.ts runs them), and sends
// each result to the parent over IPC as it ends, so a case that hangs or blows the heap is caught
// by the parent (run-fuzz.ts), which restarts this runner after it. argv: <cases.json> <first>.
import { readFileSync } from 'node:fs';
import { CommanderError } from 'commander';
import { buildProgram } from '../../src/cli/program.ts';
import { reportFailure } from '../../src/cli/run-action.ts';
import type { ScriptedAgent } from '../driver/scripted-agent.ts';
import { startFuzzAgent } from './fuzz-agents.ts';
import type { FuzzCase } from './fuzz-cases.ts';

export interface CaseResult {
  readonly index: number;
  readonly code: number;
  readonly stderr: string;
  readonly ms: number;
  /** Peak resident memory of this process so far (MB). */
  readonly peakRssMb: number;
}

const [casesPath, firstText] = process.argv.slice(2) as [string, string];
const cases = JSON.parse(readFileSync(casesPath, 'utf8')) as FuzzCase[];
const realOut = process.stdout.write.bind(process.stdout);
const realErr = process.stderr.write.bind(process.stderr);
const send = (r: CaseResult) =>
  new Promise<void>((resolve) => process.send!(r, undefined, undefined, () => resolve()));

for (let index = Number(firstText); index < cases.length; index++) {
  const c = cases[index]!;
  let agent: ScriptedAgent | null = null;
  if (c.agent) agent = await startFuzzAgent(c.agent);
  const args = c.args.map((a) => (agent ? a.replace('{agent}', agent.url) : a));
  let stderr = '';
  process.stdout.write = (() => true) as typeof process.stdout.write;
  process.stderr.write = ((chunk: string | Uint8Array) => {
    if (stderr.length < 20_000) stderr += String(chunk);
    return true;
  }) as typeof process.stderr.write;
  process.exitCode = undefined;
  const started = performance.now();
  try {
    await buildProgram().parseAsync(['node', 'callstorm', ...args]);
  } catch (error) {
    // As main.ts: usage errors exit 2, a bad option value is printed by reportFailure.
    if (error instanceof CommanderError) process.exitCode = error.exitCode === 0 ? 0 : 2;
    else process.exitCode = reportFailure(error);
  } finally {
    process.stdout.write = realOut;
    process.stderr.write = realErr;
  }
  const ms = performance.now() - started;
  await agent?.close();
  const code = Number(process.exitCode ?? 0);
  await send({ index, code, stderr, ms, peakRssMb: process.resourceUsage().maxRSS / 1024 });
}
process.exitCode = 0;
process.disconnect?.();
