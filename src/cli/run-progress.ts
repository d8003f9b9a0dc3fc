import type { RunProgress } from '../driver/execute-run.ts';

function formatScenario(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  return `${String(Math.floor(s / 3600)).padStart(2, '0')}:${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}:${String(s % 60).padStart(2, '0')}`;
}

export function formatProgress(p: RunProgress): string {
  const o = p.outcomes;
  const p95 = Number.isFinite(p.p95VoiceToVoiceMs) ? `${Math.round(p.p95VoiceToVoiceMs)} ms` : '—';
  return [
    `t+${formatScenario(p.scenarioMs)}`,
    `calls ${p.finished}/${p.started} of ~${Math.round(p.expected)}`,
    `in flight ${p.inFlight}`,
    `p95 v2v ${p95}`,
    `resolved ${o.resolved ?? 0} false ${o['false-containment'] ?? 0} escalated ${o.escalated ?? 0} abandoned ${o.abandoned ?? 0} failed ${o.failed ?? 0}`,
    `faults ${p.activeFaults.length ? p.activeFaults.join(',') : 'none'}`,
  ].join(' | ');
}

/**
 * Live progress: on a TTY one line rewritten in place; otherwise a plain line every few seconds
 * (CI logs, pipes).
 */
export function progressPrinter(stream: NodeJS.WriteStream = process.stderr): {
  onProgress: (p: RunProgress) => void;
  done: () => void;
  everyMs: number;
} {
  const tty = stream.isTTY === true;
  return {
    everyMs: tty ? 500 : 5_000,
    onProgress: (p) => {
      const line = formatProgress(p);
      stream.write(tty ? `\r\x1b[K${line.slice(0, (stream.columns ?? 200) - 1)}` : `${line}\n`);
    },
    done: () => {
      if (tty) stream.write('\n');
    },
  };
}
