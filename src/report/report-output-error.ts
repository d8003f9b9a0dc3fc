import { CallstormError } from '../errors/callstorm-error.ts';

const FS_CODES = new Set([
  'EACCES',
  'EPERM',
  'EROFS',
  'ENOTDIR',
  'EEXIST',
  'EISDIR',
  'ENOSPC',
  'ENAMETOOLONG',
]);

/** Runs the writing of a report; a file-system refusal becomes CS_ERR_REPORT_OUTPUT naming the folder. */
export async function asReportOutput<T>(outDir: string, write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (error) {
    const code = (error as NodeJS.ErrnoException | undefined)?.code;
    if (code !== undefined && FS_CODES.has(code)) {
      throw new CallstormError(
        'CS_ERR_REPORT_OUTPUT',
        { path: outDir, reason: (error as Error).message },
        { cause: error },
      );
    }
    throw error;
  }
}
