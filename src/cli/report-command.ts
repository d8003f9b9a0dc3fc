import { dirname, join, relative, resolve } from 'node:path';
import type { Command } from 'commander';
import { CallstormError } from '../errors/callstorm-error.ts';
import { inStageOrder } from '../report/compare-charts.ts';
import { writeCompareReport } from '../report/write-compare-report.ts';
import type { ReportResult } from '../report/write-run-report.ts';
import { writeRunReport } from '../report/write-run-report.ts';
import { readRunFolder } from '../run-folder/read-run-folder.ts';
import { isPath } from '../scenario/scenario-files.ts';
import { evaluateGate } from '../slo/evaluate-gate.ts';
import { evaluateRun, evaluateRunFolder } from '../slo/evaluate-run.ts';
import { type Gate, loadGate } from '../slo/gate-schema.ts';
import { loadPriceList } from '../slo/price-list.ts';
import type { RunEvaluation } from '../slo/run-evaluation.ts';
import { loadSloSet, type SloSet } from '../slo/slo-set.ts';
import { runAction } from './run-action.ts';

interface ReportOptions {
  out?: string;
  stageGate?: string;
  prices: string;
}

interface CompareOptions {
  out: string;
  stageGate: string[];
  prices: string;
}

/** A gate and the SLO set it judges with (a set path in a gate file is relative to that file). */
function gateWithSet(which: string): { gate: Gate; slos: SloSet } {
  const gate = loadGate(which);
  const setRef =
    isPath(which) && isPath(gate.slos.set) ? resolve(dirname(which), gate.slos.set) : gate.slos.set;
  return { gate, slos: loadSloSet(setRef) };
}

/** A path relative to the working directory when it is inside it, else absolute. */
function shortPath(path: string): string {
  const rel = relative(process.cwd(), path);
  return rel.startsWith('..') || rel === '' ? path : rel;
}

/** What the command prints: the verdict, the findings, and where the report is. */
export function formatReportResult(result: ReportResult): string {
  const lines = [
    `${result.verdict.label}  ${result.verdict.basis}`,
    ...result.findings.map((f, i) => `  ${i + 1}. [${f.severity}] ${f.text}`),
    ...result.notes.map((n) => `note: ${n}`),
    `report: ${shortPath(join(result.outDir, 'index.html'))}`,
  ];
  const omitted = result.charts.filter((c) => c.omitted !== null);
  if (omitted.length > 0)
    lines.push(`charts not drawn: ${omitted.map((c) => `${c.name} (${c.omitted})`).join('; ')}`);
  return `${lines.join('\n')}\n`;
}

export function registerReport(program: Command): void {
  program
    .command('report')
    .description(
      "write a run's report: self-contained index.html, charts (SVG and PNG), summary.md, verdict.json, junit.xml",
    )
    .argument('<run-dir>', 'a run folder written by `callstorm run`')
    .option('--out <dir>', 'folder to write the report into (default: the run folder)')
    .option(
      '--stage-gate <stage|file>',
      "judge the run against a stage's gate (pilot, hardening, scale, or a Gate file): the report opens with GO / NO-GO",
    )
    .option('--prices <name|file>', 'price list for the cost model (scenarios/prices/)', 'uk-2026')
    .addHelpText(
      'after',
      '\nExit status: 0 report written (with --stage-gate: and GO), 1 NO-GO, 2 bad input.\n' +
        'Example: callstorm report reports/collections-scale-peak-hour --stage-gate scale',
    )
    .action(
      runAction(async (dir: string, opts: ReportOptions) => {
        const prices = loadPriceList(opts.prices);
        const judged = opts.stageGate === undefined ? undefined : gateWithSet(opts.stageGate);
        const evaluation = evaluateRun(dir, { prices, ...(judged ? { slos: judged.slos } : {}) });
        const gate = judged === undefined ? undefined : evaluateGate(judged.gate, [evaluation]);
        const result = await writeRunReport(evaluation, {
          outDir: resolve(opts.out ?? dir),
          ...(gate ? { gate } : {}),
        });
        process.stdout.write(formatReportResult(result));
        return gate === undefined || gate.go ? 0 : 1;
      }),
    );

  program
    .command('compare')
    .description(
      'compare runs of several stages side by side (SLO adherence, distribution shift of pilot vs scale traffic) in one report',
    )
    .argument(
      '<run-dirs...>',
      'run folders written by `callstorm run` (e.g. a pilot, a hardening and a scale run)',
    )
    .requiredOption('--out <dir>', 'folder to write the comparison into')
    .option(
      '--stage-gate <stage|file>',
      'a gate to apply over all the runs (repeat for several stages: --stage-gate hardening --stage-gate scale)',
      (v: string, acc: string[]) => [...acc, v],
      [] as string[],
    )
    .option('--prices <name|file>', 'price list for the cost model (scenarios/prices/)', 'uk-2026')
    .addHelpText(
      'after',
      '\nExit status: 0 report written (with --stage-gate: and every gate GO), 1 NO-GO, 2 bad input.\n' +
        'Example: callstorm compare reports/pilot-week reports/hardening-week reports/scale-peak-hour --out reports/compare --stage-gate scale',
    )
    .action(
      runAction(async (dirs: string[], opts: CompareOptions) => {
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
        return results.every((g) => g.go) ? 0 : 1;
      }),
    );
}
