import type { Command } from 'commander';
import { runPromotionReview } from '../review/promotion-review.ts';
import { parseSeed } from './parse-options.ts';
import { runAction } from './run-action.ts';
import { formatProgress } from './run-progress.ts';

interface ReviewOptions {
  vertical: string;
  out?: string;
  seed: string;
}

/** `callstorm review` (what `npm start` runs): the full promotion review against the reference agent. */
export function registerReview(program: Command): void {
  program
    .command('review')
    .description(
      'the full promotion review: pilot, hardening and scale runs plus the scale drills for both architectures, then gates and reports',
    )
    .option('--vertical <name>', 'vertical to review: collections, appointments, claims', 'collections')
    .option('--out <dir>', 'review folder (default reports/review-<time>)')
    .option('--seed <n>', 'seed of every run', '1')
    .action(
      runAction(async (opts: ReviewOptions) => {
        const stamp = new Date()
          .toISOString()
          .replace(/[-:]/g, '')
          .replace(/\.\d+Z$/, 'Z');
        const outDir = opts.out ?? `reports/review-${stamp}-${opts.vertical}`;
        const controller = new AbortController();
        const stop = () => controller.abort();
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
        const started = performance.now();
        try {
          const result = await runPromotionReview({
            vertical: opts.vertical,
            outDir,
            seed: parseSeed(opts.seed),
            signal: controller.signal,
            onRunStart: (run, i, total) =>
              process.stdout.write(
                `[${i + 1}/${total}] ${run.label}: ${run.stage}, ${run.window}, ×${run.speed}, ${run.agent}${run.drill ? `, drill ${run.drill}` : ''}\n`,
              ),
            onRunEnd: (_run, r) => {
              const c = r.manifest.counts;
              process.stdout.write(
                `      ${r.manifest.status}: ${c['call.finished'] ?? 0} calls — resolved ${c['call.outcome.resolved'] ?? 0}, false containment ${c['call.outcome.false-containment'] ?? 0}, escalated ${c['call.outcome.escalated'] ?? 0}, abandoned ${c['call.outcome.abandoned'] ?? 0}, failed ${c['call.outcome.failed'] ?? 0}\n`,
              );
            },
            onProgress: (p) => process.stderr.write(`      ${formatProgress(p)}\n`),
          });
          process.stdout.write(
            `\nPromotion review of ${opts.vertical} (${((performance.now() - started) / 1000).toFixed(0)} s)\n`,
          );
          for (const v of result.verdicts) {
            const failed = v.gate.reasons.filter((r) => !r.passed);
            process.stdout.write(
              `  ${v.label.padEnd(32)} ${v.gate.go ? 'GO' : 'NO-GO'}${failed.length ? ` — ${failed.length} of ${v.gate.reasons.length} conditions failed, e.g. ${failed[0]!.detail}` : ''}\n`,
            );
          }
          process.stdout.write(`\nReport: ${result.report}\n`);
          return controller.signal.aborted ? 130 : 0;
        } finally {
          process.off('SIGINT', stop);
          process.off('SIGTERM', stop);
        }
      }),
    );
}
