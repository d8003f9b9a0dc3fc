import { closeSync, constants, fstatSync, openSync, readSync, type Stats, statSync } from 'node:fs';

/** Why a bounded read refused or failed; callers turn it into their own catalogue error. */
export class BoundedReadError extends Error {
  constructor(
    readonly path: string,
    readonly reason: string,
  ) {
    super(`${path}: ${reason}`);
    this.name = 'BoundedReadError';
  }
}

/** `1 MiB`, `512 MiB`, `300 bytes`. */
export function formatBytes(n: number): string {
  if (n >= 1024 * 1024 && n % (1024 * 1024) === 0) return `${n / (1024 * 1024)} MiB`;
  if (n >= 1024 && n % 1024 === 0) return `${n / 1024} KiB`;
  return `${n} bytes`;
}

function isSystemError(error: unknown): boolean {
  return error instanceof Error && typeof (error as NodeJS.ErrnoException).syscall === 'string';
}

function errnoReason(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return 'no such file';
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  if (code === 'EISDIR') return 'is a folder, not a file';
  return error instanceof Error ? error.message : String(error);
}

/**
 * Opens a regular file of at most `maxBytes` for reading. FIFOs, devices (`/dev/zero`), sockets
 * and folders are refused before anything is read, and the open never blocks (O_NONBLOCK, then the
 * open file is checked again, so a FIFO swapped in after the check is refused too).
 */
export function openRegularFile(path: string, maxBytes: number): { fd: number; size: number } {
  let before: Stats;
  try {
    before = statSync(path);
  } catch (error) {
    throw new BoundedReadError(path, errnoReason(error));
  }
  const kind = (s: Stats) =>
    s.isFile()
      ? null
      : s.isDirectory()
        ? 'is a folder, not a file'
        : 'is not a regular file (a FIFO, device or socket)';
  const bad = kind(before);
  if (bad) throw new BoundedReadError(path, bad);
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (error) {
    throw new BoundedReadError(path, errnoReason(error));
  }
  const after = fstatSync(fd);
  const badAfter = kind(after);
  if (badAfter) {
    closeSync(fd);
    throw new BoundedReadError(path, badAfter);
  }
  if (after.size > maxBytes) {
    closeSync(fd);
    throw new BoundedReadError(
      path,
      `${after.size} bytes, more than the ${formatBytes(maxBytes)} callstorm reads from this file`,
    );
  }
  return { fd, size: after.size };
}

const CHUNK = 1024 * 1024;

/** Reads a whole regular file of at most `maxBytes` (it may not grow past the limit while read). */
export function readBytesBounded(path: string, maxBytes: number): Buffer {
  const { fd } = openRegularFile(path, maxBytes);
  try {
    const chunks: Buffer[] = [];
    let total = 0;
    for (;;) {
      const buf = Buffer.allocUnsafe(Math.min(CHUNK, maxBytes + 1 - total));
      const n = readSync(fd, buf, 0, buf.length, null);
      if (n === 0) break;
      total += n;
      if (total > maxBytes) {
        throw new BoundedReadError(path, `grew past the ${formatBytes(maxBytes)} limit while being read`);
      }
      chunks.push(buf.subarray(0, n));
    }
    return Buffer.concat(chunks, total);
  } catch (error) {
    if (isSystemError(error)) throw new BoundedReadError(path, errnoReason(error));
    throw error;
  } finally {
    closeSync(fd);
  }
}

/** readBytesBounded as UTF-8 text. */
export function readTextBounded(path: string, maxBytes: number): string {
  return readBytesBounded(path, maxBytes).toString('utf8');
}

export interface LineLimits {
  /** The whole file. */
  readonly maxBytes: number;
  /** One line, without its newline. */
  readonly maxLineBytes: number;
}

/**
 * Streams a regular file line by line (`\n`-separated, UTF-8) without holding more than one
 * chunk and one line: `onLine(text, lineNumber, terminated)` for every line, `terminated` false
 * only for a last line with no newline after it (what a write cut short leaves). Lines longer
 * than `maxLineBytes`, or a file growing past `maxBytes`, end the read with a BoundedReadError.
 */
export function forEachLine(
  path: string,
  limits: LineLimits,
  onLine: (text: string, lineNumber: number, terminated: boolean) => void,
): void {
  const { fd } = openRegularFile(path, limits.maxBytes);
  try {
    const buf = Buffer.allocUnsafe(CHUNK);
    let pending: Buffer[] = [];
    let pendingBytes = 0;
    let total = 0;
    let lineNumber = 0;
    const tooLong = () =>
      new BoundedReadError(
        path,
        `line ${lineNumber + 1} is longer than ${formatBytes(limits.maxLineBytes)}: not a line callstorm wrote`,
      );
    for (;;) {
      const n = readSync(fd, buf, 0, buf.length, null);
      if (n === 0) break;
      total += n;
      if (total > limits.maxBytes) {
        throw new BoundedReadError(
          path,
          `grew past the ${formatBytes(limits.maxBytes)} limit while being read`,
        );
      }
      let start = 0;
      for (let nl = buf.indexOf(10, start); nl !== -1 && nl < n; nl = buf.indexOf(10, start)) {
        const piece = buf.subarray(start, nl);
        if (pendingBytes + piece.length > limits.maxLineBytes) throw tooLong();
        const line = pendingBytes === 0 ? piece : Buffer.concat([...pending, piece]);
        pending = [];
        pendingBytes = 0;
        lineNumber++;
        onLine(line.toString('utf8'), lineNumber, true);
        start = nl + 1;
      }
      if (start < n) {
        const rest = Buffer.from(buf.subarray(start, n));
        if (pendingBytes + rest.length > limits.maxLineBytes) throw tooLong();
        pending.push(rest);
        pendingBytes += rest.length;
      }
    }
    if (pendingBytes > 0) onLine(Buffer.concat(pending).toString('utf8'), lineNumber + 1, false);
  } catch (error) {
    // Errors from onLine pass through; only the file system's own are turned into a reason.
    if (isSystemError(error)) throw new BoundedReadError(path, errnoReason(error));
    throw error;
  } finally {
    closeSync(fd);
  }
}
