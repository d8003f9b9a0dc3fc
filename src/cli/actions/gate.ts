import { dirname, resolve } from 'node:path';
import { CallstormError } from '../../errors/callstorm-error.ts';
import { isPath } from '../../scenario/scenario-files.ts';
import { evaluateGate } from '../../slo/evaluate-gate.ts';
import { evaluateRun } from '../../slo/evaluate-run.ts';
import { type Gate, loadGate } from '../../slo/gate-schema.ts';
import { loadPriceList } from '../../slo/price-list.ts';
import type { GateResult } from '../../slo/run-evaluation.ts';
import { loadSloSet } from '../../slo/slo-set.ts';
import type { GateOptions } from '../command-options.ts';

/** `GO  scale — title`, then one line per reason: ✓/✗, kind, name, and why. */
export function formatGateResult(gate: Gate, result: GateResult): string {
  const failed = result.reasons.filter((r) => !r.passed).length;
  const lines = [`${result.go ? 'GO' : 'NO-GO'}  ${result.gate} (${result.stage}) — ${gate.title}`];
  for (const r of result.reasons) {
    lines.push(`  ${r.passed ? '✓' : '✗'} ${r.kind.padEnd(9)} ${r.name}: ${r.detail}`);
  }
  lines.push(
    failed === 0
      ? `all ${result.reasons.length} conditions hold`
      : `${failed} of ${result.reasons.length} conditions do not hold`,
  );
  return `${lines.join('\n')}\n`;
}

/** `callstorm gate <run-dirs…>`: exit 0 GO, 1 NO-GO. */
export default function gate(dirs: string[], opts: GateOptions): number {
  const which = opts.gate ?? opts.stage;
  if (which === undefined) {
    throw new CallstormError('CS_ERR_BAD_ARGUMENT', {
      option: '--stage',
      reason: 'no gate given',
      fix: 'pass --stage pilot|hardening|scale, or --gate <file>',
    });
  }
  const loaded = loadGate(which);
  // An SLO set path in a gate file is relative to that file.
  const setRef =
    opts.gate !== undefined && isPath(opts.gate) && isPath(loaded.slos.set)
      ? resolve(dirname(opts.gate), loaded.slos.set)
      : loaded.slos.set;
  const slos = loadSloSet(setRef);
  const prices = loadPriceList(opts.prices);
  const evaluations = dirs.map((dir) => evaluateRun(dir, { slos, prices }));
  const result = evaluateGate(loaded, evaluations);
  process.stdout.write(opts.json ? `${JSON.stringify(result, null, 2)}\n` : formatGateResult(loaded, result));
  return result.go ? 0 : 1;
}
