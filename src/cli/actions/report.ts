import { resolve } from 'node:path';
import { writeRunReport } from '../../report/write-run-report.ts';
import { evaluateGate } from '../../slo/evaluate-gate.ts';
import { evaluateRun } from '../../slo/evaluate-run.ts';
import { loadPriceList } from '../../slo/price-list.ts';
import type { ReportOptions } from '../command-options.ts';
import { exitOfGates } from '../verdict-exit.ts';
import { formatReportResult } from './format-report-result.ts';
import { gateWithSet } from './gate-with-set.ts';

/** `callstorm report <run-dir>`: the run's report; with --stage-gate, exit 1 on NO-GO, 3 on INCONCLUSIVE. */
export default async function report(dir: string, opts: ReportOptions): Promise<number> {
  const prices = loadPriceList(opts.prices);
  const judged = opts.stageGate === undefined ? undefined : gateWithSet(opts.stageGate);
  const evaluation = evaluateRun(dir, { prices, ...(judged ? { slos: judged.slos } : {}) });
  const gate = judged === undefined ? undefined : evaluateGate(judged.gate, [evaluation]);
  const result = await writeRunReport(evaluation, {
    outDir: resolve(opts.out ?? dir),
    ...(gate ? { gate } : {}),
  });
  process.stdout.write(formatReportResult(result));
  return exitOfGates(gate === undefined ? [] : [gate]);
}
