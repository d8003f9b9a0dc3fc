import type { RunStatus } from '../telemetry/run-manifest.ts';

/** How a run ended, as far as what its calls say about the agent. */
export type RunEnding =
  /** Every planned call ran. */
  | 'complete'
  /** A drill's stop condition fired: the agent burned its error budget (evidence against the agent). */
  | 'stopped-by-agent'
  /** The harness stopped it: an error, the run deadline, a wind-down failure. */
  | 'stopped-by-harness'
  /** Ctrl-C, SIGTERM or the caller's signal. */
  | 'interrupted'
  /** Killed: manifest.json still says running. */
  | 'killed';

/** The prefix of `manifest.reason` when a drill's stop condition ended the run (run-resources.ts). */
export const STOP_CONDITION_PREFIX = 'stop condition:';

export function runEnding(status: RunStatus, reason: string | null): RunEnding {
  switch (status) {
    case 'complete':
      return 'complete';
    case 'running':
      return 'killed';
    case 'interrupted':
      return 'interrupted';
    case 'aborted':
      return reason?.startsWith(STOP_CONDITION_PREFIX) ? 'stopped-by-agent' : 'stopped-by-harness';
    case 'failed':
      return 'stopped-by-harness';
  }
}

/**
 * Why a run's calls do not describe the agent — it is invalid (the harness could not carry it), or
 * it ended early for a reason that is not the agent's — or null when they do. A run stopped by a
 * drill's stop condition is evidence: the agent burned its budget.
 */
export function inconclusiveBecause(run: {
  readonly status: RunStatus;
  readonly reason: string | null;
  readonly invalid: string | null;
}): string | null {
  const parts: string[] = [];
  if (run.invalid !== null) parts.push(`the run is invalid: ${run.invalid}`);
  const why = run.reason ? `: ${run.reason}` : '';
  switch (runEnding(run.status, run.reason)) {
    case 'killed':
      parts.push(
        'the run was killed before it ended (manifest.json still says "running"): it holds only the calls that finished by then',
      );
      break;
    case 'interrupted':
      parts.push(`the run was interrupted before its calls ran out${why}`);
      break;
    case 'stopped-by-harness':
      parts.push(`the harness, not the agent, stopped the run${why}`);
      break;
    default:
      break;
  }
  return parts.length === 0 ? null : parts.join('; ');
}
