import { resolve } from 'node:path';
import { CallstormError } from '../../errors/callstorm-error.ts';
import { inStageOrder } from '../../report/compare-charts.ts';
import { writeCompareReport } from '../../report/write-compare-report.ts';
import { readRunFolder } from '../../run-folder/read-run-folder.ts';
import { evaluateGate } from '../../slo/evaluate-gate.ts';
import { evaluateRunFolder } from '../../slo/evaluate-run.ts';
import { loadPriceList } from '../../slo/price-list.ts';
import type { RunEvaluation } from '../../slo/run-evaluation.ts';
import { loadSloSet } from '../../slo/slo-set.ts';
import type { CompareOptions } from '../command-options.ts';
import { exitOfGates } from '../verdict-exit.ts';
import { formatReportResult } from './format-report-result.ts';
import { gateWithSet } from './gate-with-set.ts';

/** `callstorm compare <run-dirs…>`: one comparison report; exit 1 when a gate says NO-GO, 3 when one is INCONCLUSIVE. */
export default async function compare(dirs: string[], opts: CompareOptions): Promise<number> {
  if (dirs.length < 2) {
    throw new CallstormError('CS_ERR_BAD_ARGUMENT', {
      option: '<run-dirs...>',
      reason: `compare needs at least two run folders, got ${dirs.length}`,
      fix: 'pass the pilot, hardening and scale run folders; for one run use `callstorm report`',
    });
  }
  const prices = loadPriceList(opts.prices);
  const gates = opts.stageGate.map(gateWithSet);
  // A run of a gated stage is evaluated with that gate's SLO set; others with their stage's set.
  const evaluations: RunEvaluation[] = dirs.map((dir) => {
    const folder = readRunFolder(resolve(dir));
    const { stage } = folder.manifest.scenario;
    return evaluateRunFolder(folder, {
      slos: gates.find((g) => g.gate.stage === stage)?.slos ?? loadSloSet(stage),
      prices,
    });
  });
  const results = gates.map((g) => evaluateGate(g.gate, evaluations));
  const result = await writeCompareReport(inStageOrder(evaluations), {
    outDir: resolve(opts.out),
    gates: results,
  });
  process.stdout.write(formatReportResult(result));
  return exitOfGates(results);
}
