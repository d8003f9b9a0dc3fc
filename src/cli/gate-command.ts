import { dirname, resolve } from 'node:path';
import type { Command } from 'commander';
import { CallstormError } from '../errors/callstorm-error.ts';
import { isPath } from '../scenario/scenario-files.ts';
import { evaluateGate } from '../slo/evaluate-gate.ts';
import { evaluateRun } from '../slo/evaluate-run.ts';
import { type Gate, loadGate } from '../slo/gate-schema.ts';
import { loadPriceList } from '../slo/price-list.ts';
import type { GateResult } from '../slo/run-evaluation.ts';
import { loadSloSet } from '../slo/slo-set.ts';
import { runAction } from './run-action.ts';

interface GateOptions {
  stage?: string;
  gate?: string;
  prices: string;
  json: boolean;
}

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

export function registerGate(program: Command): void {
  program
    .command('gate')
    .description(
      "judge runs against a stage's gate (SLOs, drills, integrity): prints GO or NO-GO and every reason",
    )
    .argument('<run-dirs...>', 'run folders written by `callstorm run`')
    .option(
      '--stage <name>',
      'stage whose gate applies: pilot, hardening, scale (scenarios/gates/<stage>.yaml)',
    )
    .option('--gate <name|file>', 'a Gate file instead of the stage default')
    .option('--prices <name|file>', 'price list for the cost model (scenarios/prices/)', 'uk-2026')
    .option('--json', 'print the gate result as JSON', false)
    .addHelpText(
      'after',
      '\nExit status: 0 GO, 1 NO-GO, 2 bad input (missing run folder, unreadable artefact, bad gate file).\n' +
        'Example: callstorm gate --stage scale reports/run-baseline reports/run-llm-outage',
    )
    .action(
      runAction((dirs: string[], opts: GateOptions) => {
        const which = opts.gate ?? opts.stage;
        if (which === undefined) {
          throw new CallstormError('CS_ERR_BAD_ARGUMENT', {
            option: '--stage',
            reason: 'no gate given',
            fix: 'pass --stage pilot|hardening|scale, or --gate <file>',
          });
        }
        const gate = loadGate(which);
        // An SLO set path in a gate file is relative to that file.
        const setRef =
          opts.gate !== undefined && isPath(opts.gate) && isPath(gate.slos.set)
            ? resolve(dirname(opts.gate), gate.slos.set)
            : gate.slos.set;
        const slos = loadSloSet(setRef);
        const prices = loadPriceList(opts.prices);
        const evaluations = dirs.map((dir) => evaluateRun(dir, { slos, prices }));
        const result = evaluateGate(gate, evaluations);
        process.stdout.write(
          opts.json ? `${JSON.stringify(result, null, 2)}\n` : formatGateResult(gate, result),
        );
        return result.go ? 0 : 1;
      }),
    );
}
