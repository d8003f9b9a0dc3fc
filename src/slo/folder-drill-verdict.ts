import type { DrillVerdict } from '../run-folder/drill-verdict-schema.ts';
import type { RunFolder } from '../run-folder/run-folder.ts';
import { firstDifference } from './canonical-diff.ts';
import { drillVerdict } from './drill-verdict.ts';

function words(v: DrillVerdict): string {
  return v.passed ? 'passed' : 'failed';
}

/**
 * A run's drill verdict, judged from its folder: the drill recorded in manifest.json over
 * calls.jsonl and faults.jsonl, the same judge the run used. drill.json is what the run wrote;
 * when the two differ the folder's verdict counts and a note says so. Folders whose manifest
 * records no drill (written before callstorm did) keep drill.json's verdict, with a note.
 */
export function folderDrillVerdict(folder: RunFolder): { verdict: DrillVerdict | null; notes: string[] } {
  const { manifest, drill: recorded } = folder;
  if (manifest.drill === null) return { verdict: null, notes: [] };
  const definition = manifest.evaluation?.drill ?? null;
  if (definition === null) {
    return {
      verdict: recorded,
      notes: recorded
        ? [
            'drill verdict as drill.json recorded it: manifest.json (written before callstorm recorded the drill) holds no drill to judge again',
          ]
        : [],
    };
  }
  const verdict = drillVerdict(definition, folder.calls, folder.faults, { runId: manifest.runId });
  if (recorded === null) {
    const windows =
      folder.faults.length === 0
        ? ', with the fault windows the drill planned (faults.jsonl records none)'
        : ' and faults.jsonl';
    return {
      verdict,
      notes: [
        `no drill.json (a run that ended before writing it, or an ingested one): the drill verdict (${words(verdict)}) was judged from calls.jsonl${windows}`,
      ],
    };
  }
  const { runId: _ignored, ...was } = recorded;
  const { runId: _also, ...now } = verdict;
  const diff = firstDifference(now, was);
  return {
    verdict,
    notes:
      diff === null
        ? []
        : [
            `the drill verdict judged again from calls.jsonl and faults.jsonl (${words(verdict)}) differs from drill.json (${words(recorded)}): ${diff.path} is ${diff.left}, drill.json says ${diff.right}; the report shows the verdict judged from the folder`,
          ],
  };
}
