import { dirname, resolve } from 'node:path';
import { CallstormError } from '../../errors/callstorm-error.ts';
import { isPath } from '../../scenario/scenario-files.ts';
import { evaluateGate, type UnreadableRun } from '../../slo/evaluate-gate.ts';
import { evaluateRunOrUnreadable } from '../../slo/evaluate-run.ts';
import { type Gate, loadGate } from '../../slo/gate-schema.ts';
import { loadPriceList } from '../../slo/price-list.ts';
import type { GateResult, RunEvaluation } from '../../slo/run-evaluation.ts';
import { loadSloSet } from '../../slo/slo-set.ts';
import type { GateOptions } from '../command-options.ts';
import { VERDICT_EXIT } from '../verdict-exit.ts';

const MARK = { held: '✓', failed: '✗', inconclusive: '?' } as const;

/** `GO  scale — title`, then one line per reason: ✓ held, ✗ failed, ? inconclusive; kind, name, and why. */
export function formatGateResult(gate: Gate, result: GateResult): string {
  const failed = result.reasons.filter((r) => r.outcome === 'failed').length;
  const open = result.reasons.filter((r) => r.outcome === 'inconclusive').length;
  const lines = [`${result.verdict}  ${result.gate} (${result.stage}) — ${gate.title}`];
  for (const r of result.reasons) {
    lines.push(`  ${MARK[r.outcome]} ${r.kind.padEnd(9)} ${r.name}: ${r.detail}`);
  }
  const total = result.reasons.length;
  lines.push(
    failed === 0 && open === 0
      ? `all ${total} conditions hold`
      : [
          failed > 0 ? `${failed} of ${total} conditions do not hold` : null,
          open > 0 ? `${open} of ${total} could not be judged on this evidence` : null,
        ]
          .filter((x) => x !== null)
          .join('; '),
  );
  return `${lines.join('\n')}\n`;
}

/** `callstorm gate <run-dirs…>`: exit 0 GO, 1 NO-GO, 3 INCONCLUSIVE. */
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
  const evaluations: RunEvaluation[] = [];
  const unreadable: UnreadableRun[] = [];
  for (const dir of dirs) {
    const r = evaluateRunOrUnreadable(dir, { slos, prices });
    if ('evaluation' in r) evaluations.push(r.evaluation);
    else unreadable.push(r.unreadable);
  }
  const result = evaluateGate(loaded, evaluations, unreadable);
  process.stdout.write(opts.json ? `${JSON.stringify(result, null, 2)}\n` : formatGateResult(loaded, result));
  return VERDICT_EXIT[result.verdict];
}
