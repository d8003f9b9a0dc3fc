import { ingestK6 } from '../../export/k6/ingest-k6.ts';
import type { IngestK6Options } from '../command-options.ts';

/** `callstorm ingest k6 <files…>`: a run folder rebuilt from k6's NDJSON output. */
export default function ingestK6Command(files: string[], opts: IngestK6Options): number {
  const { manifest: m, dir } = ingestK6({
    files,
    out: opts.out,
    ...(opts.from ? { from: opts.from } : {}),
    ...(opts.vertical ? { vertical: opts.vertical } : {}),
    ...(opts.stage ? { stage: opts.stage } : {}),
    seed: opts.seed,
    window: opts.window,
  });
  const c = m.counts;
  process.stdout.write(
    `${m.status}${m.invalid ? ` (INVALID: ${m.invalid})` : ''}: ${c['call.finished'] ?? 0} calls from ${files.length} runner file(s) — resolved ${c['call.outcome.resolved'] ?? 0}, false containment ${c['call.outcome.false-containment'] ?? 0}, escalated ${c['call.outcome.escalated'] ?? 0}, abandoned ${c['call.outcome.abandoned'] ?? 0}, failed ${c['call.outcome.failed'] ?? 0}\n→ ${dir}\n`,
  );
  return 0;
}
