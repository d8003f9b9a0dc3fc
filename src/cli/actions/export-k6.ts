import { exportK6 } from '../../export/k6/export-k6.ts';
import type { ExportK6Options } from '../command-options.ts';

/** `callstorm export k6`: the script, sharded plans, thresholds and TestRun in `--out`. */
export default function exportK6Command(opts: ExportK6Options): number {
  const m = exportK6({
    vertical: opts.vertical,
    stage: opts.stage,
    window: opts.window,
    seed: opts.seed,
    speed: opts.speed,
    ...(opts.drill ? { drill: opts.drill } : {}),
    parallelism: opts.parallelism,
    agentUrl: opts.agentUrl,
    out: opts.out,
  });
  process.stdout.write(
    `${m.planCount} calls in ${m.parallelism} shard(s), ${m.thresholds.length} threshold(s)` +
      (m.sloNotInK6.length ? ` (judged after ingest: ${m.sloNotInK6.join(', ')})` : '') +
      `\n→ ${opts.out}: k6 run --out json=out.json ${opts.out}/script.ts\n`,
  );
  return 0;
}
