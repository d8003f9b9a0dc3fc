import { createWriteStream } from 'node:fs';
import { finished } from 'node:stream/promises';
import { createCallGenerator } from '../simulators/callers/call-generator.ts';
import { writePlansJsonl } from '../simulators/callers/write-plans-jsonl.ts';
import { composeScenario } from '../src/scenario/compose-scenario.ts';
import { loadPopulation, loadStage, loadVertical } from '../src/scenario/load-scenario.ts';

export interface GeneratorFigure {
  plans: number;
  seconds: number;
  plansPerSecond: number;
  /** CPU time of the process (all its threads, user + system) while writing. */
  cpuSeconds: number;
  plansPerCpuSecond: number;
  peakRssMb: number;
}

/**
 * Generator throughput and peak RSS: `n` plans of a scale-shaped month written as JSONL to
 * /dev/null, in this process (run by bench/run.ts in a child per size so RSS is its own, pinned
 * to one CPU where taskset exists).
 */
export async function benchGenerator(n: number): Promise<GeneratorFigure> {
  const stage = loadStage('scale');
  const scenario = composeScenario(
    loadVertical('collections'),
    { ...stage, monthlyVolume: n },
    loadPopulation('uk-ie'),
  );
  const generator = createCallGenerator(scenario, { seed: 1 });
  const out = createWriteStream('/dev/null');
  const start = performance.now();
  const cpuStart = process.cpuUsage();
  const plans = await writePlansJsonl(generator.plans(), out);
  out.end();
  await finished(out);
  const seconds = (performance.now() - start) / 1000;
  const cpu = process.cpuUsage(cpuStart);
  const cpuSeconds = (cpu.user + cpu.system) / 1e6;
  return {
    plans,
    seconds,
    plansPerSecond: plans / seconds,
    cpuSeconds,
    plansPerCpuSecond: plans / cpuSeconds,
    peakRssMb: process.resourceUsage().maxRSS / 1024,
  };
}

if (process.argv[2] === 'child') {
  const result = await benchGenerator(Number(process.argv[3]));
  process.stdout.write(`${JSON.stringify(result)}\n`);
}
