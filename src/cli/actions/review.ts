import { runPromotionReview } from '../../review/promotion-review.ts';
import { loadReviewPlan } from '../../review/review-plan-schema.ts';
import type { ReviewOptions } from '../command-options.ts';
import { formatProgress } from '../run-progress.ts';

/** `callstorm review`: every run of the plan, then each verdict and where the comparison report is. */
export default async function review(opts: ReviewOptions): Promise<number> {
  const plan = loadReviewPlan(opts.plan);
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
      seed: opts.seed,
      plan,
      speeds: {
        ...(opts.speedFactor !== undefined ? { factor: opts.speedFactor } : {}),
        ...(opts.speed ? { byRun: opts.speed } : {}),
      },
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
    process.stdout.write(result.report ? `\nReport: ${result.report}\n` : '\nNo run finished: no report.\n');
    return controller.signal.aborted ? 130 : 0;
  } finally {
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
  }
}
