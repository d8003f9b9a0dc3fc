import { type CallstormError, isCallstormError } from '../errors/callstorm-error.ts';
import { outputWriteError } from '../util/output-location.ts';
import type { DriverSummary } from './open-model-driver.ts';
import { claimRunFolder } from './run-folder.ts';
import { RunManifestWriter } from './run-manifest-writer.ts';
import { driveRun } from './run-pipeline.ts';
import { planRun } from './run-plan.ts';
import type { RunRequest, RunResult } from './run-request.ts';
import { startRunResources } from './run-resources.ts';
import { RunSession } from './run-session.ts';

export type { RunProgress, RunRequest, RunResult } from './run-request.ts';

/**
 * `callstorm run`: plans the run, claims its folder, starts its resources (simulators, chaos, the
 * agent and its transport) in a session, drives the window's calls open-model at `speed` through
 * the pipeline, and writes the run's artefacts as it goes. However it ends — normally, Ctrl-C, a
 * stop condition, the deadline, an error — the session disposes every resource in reverse order,
 * and the manifest says how it ended.
 */
export async function executeRun(request: RunRequest): Promise<RunResult> {
  const plan = planRun(request);
  const folder = claimRunFolder(plan.dir);
  const session = new RunSession({ signal: request.signal });
  const manifest = new RunManifestWriter(plan);
  session.defer('manifest.json', () => {
    folder.releaseReserve();
    manifest.finish(session);
  });
  let summary: DriverSummary | null = null;
  /** A write of the run folder that failed mid-run: the run stopped, and the caller gets the error (exit 1, with its fix). */
  let writeFailure: CallstormError | null = null;
  try {
    const resources = await startRunResources(session, plan, manifest);
    // A write that fails mid-run (full disk, read-only remount) ends the run, recording what finished.
    resources.recorder.onWriteFailure((error) => {
      writeFailure = error;
      folder.releaseReserve();
      session.stop('failed', error.message);
    });
    summary = await driveRun(session, plan, resources, manifest);
    manifest.driven(summary);
    session.complete();
  } catch (thrown) {
    const error = asRunFolderWriteError(thrown, plan.dir);
    if (error !== thrown) folder.releaseReserve();
    session.fail(error);
    throw error;
  } finally {
    await session.dispose();
  }
  // Not even the final manifest.json could be written: say so, rather than report a run whose folder says `running`.
  if (manifest.writeFailure) throw manifest.writeFailure;
  if (writeFailure) throw writeFailure;
  // A check that failed the run while it drove (the agent is not wired): the caller sees the error.
  if (session.error !== undefined) throw session.error;
  return { runId: plan.runId, dir: plan.dir, manifest: manifest.manifest, summary };
}

/** The errors of a disk that is full, read-only or failing: the environment's, not a bug. */
const DISK_ERRORS = new Set(['ENOSPC', 'EROFS', 'EDQUOT', 'EFBIG', 'EIO']);

/**
 * A disk error thrown by any writer of the run folder (the fault log, drill.json, a simulator's
 * log), not only the recorder's, as CS_ERR_OUTPUT_WRITE rather than an internal error.
 */
function asRunFolderWriteError(error: unknown, dir: string): unknown {
  if (isCallstormError(error)) return error;
  const e = error as NodeJS.ErrnoException | undefined;
  if (!e?.code || !DISK_ERRORS.has(e.code)) return error;
  return outputWriteError(
    'the run folder',
    e.path ?? dir,
    error,
    'calls.jsonl holds the calls that ended before; `callstorm report` reads the folder as it is.',
  );
}
