import { drillRun } from '../../chaos/run-chaos.ts';
import { executeRun } from '../../driver/execute-run.ts';
import type { RunOptions } from '../command-options.ts';
import { progressPrinter } from '../run-progress.ts';

/** `callstorm run`: one run, its outcome counts on stdout; exit 0 complete and valid, 1 not, 130 Ctrl-C. */
export default async function run(opts: RunOptions): Promise<number> {
  const seed = opts.seed;
  const drill = opts.drill ? drillRun(opts.drill, seed) : null;
  const controller = new AbortController();
  const onSignal = () => controller.abort();
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  const progress = opts.progress ? progressPrinter() : null;
  try {
    const result = await executeRun({
      vertical: opts.vertical,
      stage: opts.stage,
      window: opts.window,
      speed: opts.speed,
      seed,
      agent: opts.agent ?? (opts.agentCmd !== undefined ? 'http://127.0.0.1:{port}' : 'reference:production'),
      ...(opts.agentCmd !== undefined ? { agentCmd: opts.agentCmd } : {}),
      ...(opts.agentReadyTimeout !== undefined ? { agentReadyTimeoutMs: opts.agentReadyTimeout } : {}),
      ...(opts.wiringOut ? { wiringOut: opts.wiringOut } : {}),
      ...(opts.simulatorsPortBase ? { simulatorsPortBase: opts.simulatorsPortBase } : {}),
      wiringCheck: opts.wiringCheck,
      ...(drill ? drill : {}),
      ...(opts.out ? { out: opts.out } : {}),
      latency: opts.latency,
      simulators: opts.simulators,
      ...(opts.callerAudio ? { callerAudio: opts.callerAudio } : {}),
      signal: controller.signal,
      ...(progress ? { onProgress: progress.onProgress, progressEveryMs: progress.everyMs } : {}),
    });
    progress?.done();
    const m = result.manifest;
    const c = m.counts;
    process.stdout.write(
      `${m.status}${m.invalid ? ' (INVALID: ' + m.invalid + ')' : ''}: ${c['call.finished'] ?? 0} calls — resolved ${c['call.outcome.resolved'] ?? 0}, false containment ${c['call.outcome.false-containment'] ?? 0}, escalated ${c['call.outcome.escalated'] ?? 0}, abandoned ${c['call.outcome.abandoned'] ?? 0}, failed ${c['call.outcome.failed'] ?? 0}\n→ ${result.dir}\n`,
    );
    if (m.status !== 'complete' && m.reason) process.stderr.write(`the run ${m.status}: ${m.reason}\n`);
    return m.status === 'complete' && !m.invalid ? 0 : m.status === 'interrupted' ? 130 : 1;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}
