import { closeSync, existsSync, openSync, unlinkSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { CallstormError } from '../errors/callstorm-error.ts';
import { prepareOutputFolder } from '../util/output-location.ts';

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

/**
 * Space a run holds back in its folder (`.callstorm-reserve`, zeros) and gives up when a write
 * fails or the run ends: on a disk that filled up mid-run, the final manifest.json and
 * histograms.json still fit, so the folder says how the run ended and reads as it is.
 */
export const RUN_FOLDER_RESERVE_BYTES = 256 * 1024;
const RESERVE = '.callstorm-reserve';

/** The run files that exist in `dir` (the manifest's `files`). */
export function presentRunFiles(dir: string): string[] {
  return RUN_FILES.filter((f) => existsSync(join(dir, f)));
}

/** A claimed run folder; `releaseReserve()` gives its held-back space to the last writes (idempotent). */
export interface RunFolderClaim {
  readonly dir: string;
  releaseReserve(): void;
}

function writeReserve(path: string): void {
  const fd = openSync(path, 'w');
  try {
    const zeros = Buffer.alloc(64 * 1024);
    for (let left = RUN_FOLDER_RESERVE_BYTES; left > 0; )
      left -= writeSync(fd, zeros, 0, Math.min(left, zeros.length));
  } finally {
    closeSync(fd);
  }
}

/**
 * Makes `dir` this run's folder, before anything starts. It must be a folder callstorm can create
 * and write, with free space, not under /proc, /sys or /dev (CS_ERR_OUTPUT_LOCATION otherwise,
 * see prepareOutputFolder). It is claimed by creating `calls.jsonl` exclusively, so a folder that
 * holds another run — or that another run claims at the same moment — is refused
 * (CS_ERR_RUN_FOLDER_TAKEN) before anything is written; then RUN_FOLDER_RESERVE_BYTES are held back.
 */
export function claimRunFolder(dir: string): RunFolderClaim {
  const use = { option: '--out', what: 'the run folder' };
  prepareOutputFolder(dir, use, { probeBytes: RUN_FOLDER_RESERVE_BYTES + 64 * 1024 });
  const taken = (found: string) => new CallstormError('CS_ERR_RUN_FOLDER_TAKEN', { path: dir, found });
  if (existsSync(join(dir, 'manifest.json'))) throw taken('manifest.json');
  try {
    closeSync(openSync(join(dir, 'calls.jsonl'), 'wx'));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') throw taken('calls.jsonl');
    throw new CallstormError('CS_ERR_OUTPUT_LOCATION', {
      ...use,
      path: dir,
      reason: `cannot create calls.jsonl in it: ${(error as Error).message}`,
    });
  }
  const reserve = join(dir, RESERVE);
  try {
    writeReserve(reserve);
  } catch (error) {
    for (const f of [reserve, join(dir, 'calls.jsonl')]) {
      try {
        unlinkSync(f);
      } catch {
        // not there
      }
    }
    throw new CallstormError('CS_ERR_OUTPUT_LOCATION', {
      ...use,
      path: dir,
      reason: `no room for a run: ${(error as Error).message}`,
    });
  }
  let held = true;
  return {
    dir,
    releaseReserve() {
      if (!held) return;
      held = false;
      try {
        unlinkSync(reserve);
      } catch {
        // already gone (or a read-only file system, where nothing more is written anyway)
      }
    },
  };
}
