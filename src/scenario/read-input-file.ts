import { closeSync, constants, fstatSync, openSync, readSync } from 'node:fs';
import { CallstormError } from '../errors/callstorm-error.ts';

/** Largest scenario, drill, SLO, gate or price file callstorm reads (the shipped ones are < 20 kB). */
export const MAX_INPUT_FILE_BYTES = 4 * 1024 * 1024;

function mib(bytes: number): string {
  return `${(bytes / (1024 * 1024)).toFixed(bytes % (1024 * 1024) === 0 ? 0 : 1)} MiB`;
}

function openNonBlocking(path: string): number {
  try {
    return openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new CallstormError('CS_ERR_FILE_NOT_FOUND', {
      path,
      reason: code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : String(code),
    });
  }
}

/**
 * Reads an input file the user named, in bounded time and memory: it must be a regular file (a
 * FIFO, a device such as /dev/zero, a directory or a socket is refused without reading from it —
 * the file is opened non-blocking and checked on the open descriptor, so a FIFO cannot block us),
 * of at most `maxBytes` (checked while reading, so a file that grows cannot get past the cap).
 */
export function readInputFile(path: string, what: string, maxBytes = MAX_INPUT_FILE_BYTES): Buffer {
  const refuse = (reason: string): never => {
    throw new CallstormError('CS_ERR_INPUT_FILE', { path, what, reason, max: mib(maxBytes) });
  };
  const fd = openNonBlocking(path);
  try {
    const stat = fstatSync(fd);
    if (stat.isDirectory()) refuse('it is a directory');
    if (!stat.isFile()) refuse('it is not a regular file (a pipe, a device or a socket)');
    if (stat.size > maxBytes) refuse(`it is ${mib(stat.size)}`);
    const chunks: Buffer[] = [];
    let length = 0;
    for (;;) {
      const chunk = Buffer.alloc(64 * 1024);
      const n = readSync(fd, chunk, 0, chunk.length, null);
      if (n === 0) break;
      length += n;
      if (length > maxBytes) refuse(`it is larger than ${mib(maxBytes)}`);
      chunks.push(chunk.subarray(0, n));
    }
    return Buffer.concat(chunks, length);
  } catch (error) {
    if (error instanceof CallstormError) throw error;
    return refuse(String((error as NodeJS.ErrnoException).code ?? (error as Error).message));
  } finally {
    closeSync(fd);
  }
}
