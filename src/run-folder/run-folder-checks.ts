import type { CallRecord } from '../telemetry/call-record.ts';
import { LATENCY_METRICS } from '../telemetry/metric-names.ts';
import type { RunManifest } from '../telemetry/run-manifest.ts';
import type { FaultLogLine } from './fault-log-schema.ts';
import type { RunFolder } from './run-folder.ts';
import { RUN_FOLDER_FILES, type RunFolderFile } from './run-folder-files.ts';

/** Why one artefact disagrees with the rest of its folder. */
export interface FolderMismatch {
  readonly file: RunFolderFile;
  readonly reason: string;
  readonly fix?: string;
}

export const COPIED_FIX =
  'the file belongs to another run folder: put back this run’s own file (or delete it and run `callstorm report` again)';

/** A check of each call record against the manifest, with state (each call id once). */
export function callChecker(manifest: RunManifest): (c: CallRecord, line: number) => FolderMismatch | null {
  const runId = manifest.runId;
  const spanMs = Date.parse(manifest.scenario.windowEnd) - Date.parse(manifest.scenario.windowStart);
  const seen = new Map<string, number>();
  return (c, line) => {
    const file = RUN_FOLDER_FILES.calls;
    if (c.runId !== runId) {
      return {
        file,
        reason: `line ${line}: runId: "${c.runId}" is another run than this folder's "${runId}"`,
        fix: COPIED_FIX,
      };
    }
    const first = seen.get(c.callId);
    if (first !== undefined) {
      return {
        file,
        reason: `line ${line}: callId: "${c.callId}" is recorded again (first on line ${first}): a call ends once, so the file holds duplicated lines`,
      };
    }
    seen.set(c.callId, line);
    if (c.arrivalMs > spanMs) {
      return {
        file,
        reason: `line ${line}: arrivalMs: ${c.arrivalMs} is after the end of the run's window (${spanMs} ms long)`,
      };
    }
    return null;
  };
}

export function faultChecker(
  manifest: RunManifest,
): (e: FaultLogLine, line: number) => FolderMismatch | null {
  return (e, line) =>
    e.runId === manifest.runId
      ? null
      : {
          file: RUN_FOLDER_FILES.faults,
          reason: `line ${line}: runId: "${e.runId}" is another run than this folder's "${manifest.runId}"`,
          fix: COPIED_FIX,
        };
}

function countChecks(f: RunFolder): FolderMismatch | null {
  // A run that ended (not one killed, whose manifest still says running) counted what it wrote.
  const finished = f.manifest.counts['call.finished'];
  if (f.manifest.status !== 'running' && finished !== undefined && finished !== f.calls.length) {
    return {
      file: RUN_FOLDER_FILES.calls,
      reason: `holds ${f.calls.length} calls but manifest.json says ${finished} finished`,
    };
  }
  return null;
}

function drillChecks(f: RunFolder): FolderMismatch | null {
  const d = f.drill;
  if (d === null) return null;
  if (d.runId !== undefined && d.runId !== f.manifest.runId) {
    return {
      file: RUN_FOLDER_FILES.drill,
      reason: `runId: "${d.runId}" is another run than this folder's "${f.manifest.runId}"`,
      fix: COPIED_FIX,
    };
  }
  if (d.drill !== f.manifest.drill) {
    return {
      file: RUN_FOLDER_FILES.drill,
      reason: `drill: "${d.drill}" is not the run's drill (${f.manifest.drill === null ? 'it had none' : `"${f.manifest.drill}"`})`,
      fix: COPIED_FIX,
    };
  }
  return null;
}

function histogramChecks(f: RunFolder): FolderMismatch | null {
  const h = f.histograms;
  // A killed run's histograms.json lags calls.jsonl by up to one flush; an ended run's does not.
  if (h === null || f.manifest.status === 'running') return null;
  const expected: [string, number][] = [
    [LATENCY_METRICS.startLag, f.calls.length],
    [
      LATENCY_METRICS.voiceToVoice,
      f.calls.reduce((n, c) => n + c.turns.filter((t) => t.voiceToVoiceMs !== null).length, 0),
    ],
  ];
  for (const [metric, n] of expected) {
    const m = Object.hasOwn(h.metrics, metric) ? h.metrics[metric] : undefined;
    if (m !== undefined && m.total.count !== n) {
      return {
        file: RUN_FOLDER_FILES.histograms,
        reason: `metrics.${metric}: counts ${m.total.count} values where calls.jsonl holds ${n}: the files are not of the same run`,
      };
    }
  }
  return null;
}

/**
 * A run that ended counted the fault events it logged (`fault.applied`, `fault.removed`):
 * faults.jsonl with more or fewer of them had lines copied in or cut out. Not checked for a run
 * killed (`running`: its last line may be torn) or failed (a full disk may have cut the log short).
 */
function faultCountChecks(f: RunFolder): FolderMismatch | null {
  if (f.manifest.status === 'running' || f.manifest.status === 'failed') return null;
  for (const event of ['applied', 'removed'] as const) {
    const counted = f.manifest.counts[`fault.${event}`];
    if (counted === undefined) continue;
    const logged = f.faults.filter((e) => e.event === event).length;
    if (logged !== counted) {
      return {
        file: RUN_FOLDER_FILES.faults,
        reason: `holds ${logged} "${event}" events but manifest.json counts ${counted} (fault.${event}): lines were copied in or cut out`,
      };
    }
  }
  return null;
}

/** The first way the artefacts of a read folder disagree with each other, or null. */
export function folderMismatch(f: RunFolder): FolderMismatch | null {
  return countChecks(f) ?? drillChecks(f) ?? faultCountChecks(f) ?? histogramChecks(f);
}
