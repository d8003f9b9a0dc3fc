/** The artefacts of a run folder, by name. */
export const RUN_FOLDER_FILES = {
  manifest: 'manifest.json',
  calls: 'calls.jsonl',
  faults: 'faults.jsonl',
  ledger: 'ledger.json',
  drill: 'drill.json',
  histograms: 'histograms.json',
} as const;
export type RunFolderFile = (typeof RUN_FOLDER_FILES)[keyof typeof RUN_FOLDER_FILES];

const MiB = 1024 * 1024;

/**
 * The most callstorm reads from each artefact (docs/reports.md). Each must be a regular file (not
 * a FIFO or a device) no larger than this; calls.jsonl and faults.jsonl are read line by line,
 * each line at most `line`. 512 MiB of calls.jsonl is about 160,000 calls of five turns.
 */
export const RUN_FOLDER_LIMITS: Readonly<Record<RunFolderFile, number>> & { readonly line: number } = {
  'manifest.json': 8 * MiB,
  'calls.jsonl': 512 * MiB,
  'faults.jsonl': 64 * MiB,
  'ledger.json': 64 * MiB,
  'drill.json': 8 * MiB,
  'histograms.json': 64 * MiB,
  line: MiB,
};
