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
  claimRunFolder(plan.dir);
  const session = new RunSession({ signal: request.signal });
  const manifest = new RunManifestWriter(plan);
  session.defer('manifest.json', () => manifest.finish(session));
  let summary: DriverSummary | null = null;
  try {
    const resources = await startRunResources(session, plan, manifest);
    summary = await driveRun(session, plan, resources, manifest);
    manifest.driven(summary);
    session.complete();
  } catch (error) {
    session.fail(error);
    throw error;
  } finally {
    await session.dispose();
  }
  // A check that failed the run while it drove (the agent is not wired): the caller sees the error.
  if (session.error !== undefined) throw session.error;
  return { runId: plan.runId, dir: plan.dir, manifest: manifest.manifest, summary };
}
