import { closeSync, existsSync, mkdirSync, openSync } from 'node:fs';
import { join } from 'node:path';
import { CallstormError } from '../errors/callstorm-error.ts';

/** Every file a run may leave in its folder, in the order the manifest lists them. */
export const RUN_FILES = [
  'manifest.json',
  'calls.jsonl',
  'faults.jsonl',
  'histograms.json',
  'ledger.json',
  'drill.json',
  'agent-dead-letters.jsonl',
  // With --agent-cmd: the wiring file CALLSTORM_WIRING names, and the agent's output.
  'wiring.json',
  'agent.log',
] as const;

/** The run files that exist in `dir` (the manifest's `files`). */
export function presentRunFiles(dir: string): string[] {
  return RUN_FILES.filter((f) => existsSync(join(dir, f)));
}

/**
 * Makes `dir` this run's folder: creates it if needed and claims it by creating `calls.jsonl`
 * exclusively, so a folder that holds another run — or that another run claims at the same
 * moment — is refused (CS_ERR_RUN_FOLDER_TAKEN) before anything is written.
 */
export function claimRunFolder(dir: string): void {
  try {
    mkdirSync(dir, { recursive: true });
  } catch (error) {
    throw new CallstormError('CS_ERR_BAD_ARGUMENT', {
      option: '--out',
      reason: `cannot create ${dir}: ${(error as Error).message}`,
      fix: 'choose a folder you can create and write to',
    });
  }
  const taken = (found: string) => new CallstormError('CS_ERR_RUN_FOLDER_TAKEN', { path: dir, found });
  if (existsSync(join(dir, 'manifest.json'))) throw taken('manifest.json');
  try {
    closeSync(openSync(join(dir, 'calls.jsonl'), 'wx'));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') throw taken('calls.jsonl');
    throw new CallstormError('CS_ERR_BAD_ARGUMENT', {
      option: '--out',
      reason: `cannot write in ${dir}: ${(error as Error).message}`,
      fix: 'choose a folder you can create and write to',
    });
  }
}
