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
      // Speeds the user chose are used as given; otherwise the machine is asked what it carries.
      calibrate: opts.calibrate !== false && opts.speedFactor === undefined && opts.speed === undefined,
      onCalibrated: (c) => process.stdout.write(`calibration: ${c.summary}\n`),
      onRerun: (first, slower, why) =>
        process.stdout.write(
          `      invalid at ×${first.speed} (${why}): running ${first.label} again at ×${slower.speed}\n`,
        ),
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
      const failed = v.gate.reasons.filter((r) => r.outcome === 'failed');
      const open = v.gate.reasons.filter((r) => r.outcome === 'inconclusive');
      const total = v.gate.reasons.length;
      const why =
        failed.length > 0
          ? ` — ${failed.length} of ${total} conditions failed, e.g. ${failed[0]!.detail}`
          : open.length > 0
            ? ` — ${open.length} of ${total} conditions could not be judged, e.g. ${open[0]!.detail}`
            : '';
      process.stdout.write(`  ${v.label.padEnd(32)} ${v.gate.verdict}${why}\n`);
    }
    const reruns = result.runs.filter((r) => r.rerun);
    for (const r of reruns)
      process.stdout.write(
        `  (${r.run.label} ran again at ×${r.run.speed}: the first run at ×${r.rerun!.speed} was invalid)\n`,
      );
    process.stdout.write(result.report ? `\nReport: ${result.report}\n` : '\nNo run finished: no report.\n');
    return controller.signal.aborted ? 130 : 0;
  } finally {
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
  }
}
