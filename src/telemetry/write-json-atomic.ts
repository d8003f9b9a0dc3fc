import { renameSync, unlinkSync, writeFileSync } from 'node:fs';

/**
 * Writes JSON through a temporary file and a rename: readers never see half a file. When the
 * write fails (a full disk, a read-only file system) the temporary file is removed, so it neither
 * holds space nor lies about, and the file at `path` is left as it was.
 */
export function writeJsonAtomic(path: string, value: unknown): void {
  const tmp = `${path}.tmp-${process.pid}`;
  try {
    writeFileSync(tmp, `${JSON.stringify(value, null, 2)}\n`);
    renameSync(tmp, path);
  } catch (error) {
    try {
      unlinkSync(tmp);
    } catch {
      // never created, or already renamed
    }
    throw error;
  }
}
