import {
  closeSync,
  mkdirSync,
  openSync,
  realpathSync,
  rmdirSync,
  statSync,
  unlinkSync,
  writeSync,
} from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { CallstormError } from '../errors/callstorm-error.ts';

/** Kernel and device trees: never an output location (`mkdir -p` under /proc spins in Node 20). */
export const SPECIAL_ROOTS: readonly string[] = ['/proc', '/sys', '/dev'];

/** The longest file name Linux takes (NAME_MAX, in bytes): a longer one fails only when written. */
export const MAX_FILE_NAME_BYTES = 255;

/** Bytes written (and removed) to prove a folder takes data: a full disk is refused before any work. */
export const OUTPUT_PROBE_BYTES = 64 * 1024;

/** What an output is, for the message: `--out` and `the run folder`. */
export interface OutputUse {
  readonly option: string;
  readonly what: string;
}

const isUnder = (path: string, root: string) => path === root || path.startsWith(`${root}/`);

function errnoText(error: unknown): string {
  const e = error as NodeJS.ErrnoException;
  switch (e.code) {
    case 'EROFS':
      return 'the file system is read-only (EROFS)';
    case 'ENOSPC':
      return 'no space left on the device (ENOSPC)';
    case 'EDQUOT':
      return 'the disk quota is used up (EDQUOT)';
    case 'EACCES':
    case 'EPERM':
      return `permission denied (${e.code})`;
    case 'ENAMETOOLONG':
      return 'the path is too long (ENAMETOOLONG)';
    case 'ELOOP':
      return 'too many symbolic links (ELOOP)';
    default:
      return e.code ? `${e.code}: ${e.message}` : String(error);
  }
}

function refuse(use: OutputUse, path: string, reason: string, cause?: unknown): CallstormError {
  return new CallstormError(
    'CS_ERR_OUTPUT_LOCATION',
    { what: use.what, path, reason, option: use.option },
    cause === undefined ? undefined : { cause },
  );
}

function special(use: OutputUse, path: string, real: string): CallstormError | null {
  for (const root of SPECIAL_ROOTS) {
    if (isUnder(path, root) || isUnder(real, root)) {
      const via = isUnder(path, root) ? '' : ` (it resolves to ${real})`;
      return refuse(use, path, `it is under ${root}${via}, a kernel or device tree, not a folder for files`);
    }
  }
  return null;
}

/** The deepest part of `abs` that exists (abs itself when it does) and the parts below it, top first. */
function existingPart(abs: string, use: OutputUse): { existing: string; missing: string[] } {
  const missing: string[] = [];
  let at = abs;
  for (;;) {
    try {
      statSync(at);
      return { existing: at, missing };
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      // ENOTDIR: a part of the path is a file; walking up finds which, for the message.
      if (code !== 'ENOENT' && code !== 'ENOTDIR') throw refuse(use, abs, errnoText(error), error);
      const parent = dirname(at);
      if (parent === at) throw refuse(use, abs, errnoText(error), error);
      missing.unshift(at.slice(parent.length + (parent.endsWith('/') ? 0 : 1)));
      at = parent;
    }
  }
}

/** Writes and removes OUTPUT_PROBE_BYTES in `dir`: read-only, full and forbidden folders fail here. */
function probeWrite(dir: string, bytes: number): void {
  const probe = join(dir, `.callstorm-probe-${process.pid}-${Math.random().toString(36).slice(2, 10)}`);
  const fd = openSync(probe, 'wx');
  try {
    const zeros = Buffer.alloc(64 * 1024);
    for (let left = bytes; left > 0; ) left -= writeSync(fd, zeros, 0, Math.min(left, zeros.length));
  } finally {
    closeSync(fd);
    unlinkSync(probe);
  }
}

/**
 * Makes `path` a folder callstorm can write its output into, before any work is done: refused
 * (CS_ERR_OUTPUT_LOCATION naming the option and why) when it or what it resolves to is under
 * /proc, /sys or /dev, when it or a part of it is a file, when it cannot be created, or when
 * `probeBytes` (default OUTPUT_PROBE_BYTES) cannot be written in it (read-only, full, forbidden). Missing folders are
 * created one level at a time (never `mkdir -p`, which spins on some kernel paths) and removed
 * again when the folder is refused. Returns the absolute path.
 */
export function prepareOutputFolder(
  path: string,
  use: OutputUse,
  options: { readonly probeBytes?: number } = {},
): string {
  const abs = resolve(path);
  const { existing, missing } = existingPart(abs, use);
  let real: string;
  try {
    real = realpathSync(existing);
  } catch (error) {
    throw refuse(use, abs, errnoText(error), error);
  }
  const bad = special(use, abs, missing.length === 0 ? real : join(real, ...missing));
  if (bad) throw bad;
  if (!statSync(existing).isDirectory()) {
    throw refuse(
      use,
      abs,
      existing === abs ? 'it is a file, not a folder' : `${existing} is a file, not a folder`,
    );
  }
  const created: string[] = [];
  try {
    let at = existing;
    for (const part of missing) {
      at = join(at, part);
      try {
        mkdirSync(at);
        created.push(at);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST' || !statSync(at).isDirectory()) throw error;
      }
    }
    probeWrite(abs, options.probeBytes ?? OUTPUT_PROBE_BYTES);
  } catch (error) {
    for (const dir of created.reverse()) {
      try {
        rmdirSync(dir);
      } catch {
        // best effort: the folder stays, empty
      }
    }
    const what = created.length < missing.length ? 'cannot create it' : 'cannot write in it';
    throw refuse(use, abs, `${what}: ${errnoText(error)}`, error);
  }
  return abs;
}

/**
 * Makes `path` a file callstorm can write: its folder as prepareOutputFolder checks it, and the
 * path itself not a folder and not a FIFO, device or socket (writing to a FIFO blocks). An
 * existing regular file is replaced. Returns the absolute path.
 */
export function prepareOutputFile(path: string, use: OutputUse): string {
  const abs = resolve(path);
  for (const root of SPECIAL_ROOTS) {
    if (isUnder(abs, root)) {
      throw refuse(
        use,
        abs,
        `it is under ${root}, a kernel or device tree (leave ${use.option} out to write to stdout)`,
      );
    }
  }
  if (Buffer.byteLength(basename(abs)) > MAX_FILE_NAME_BYTES) {
    throw refuse(use, abs, `its file name is longer than ${MAX_FILE_NAME_BYTES} bytes (ENAMETOOLONG)`);
  }
  prepareOutputFolder(dirname(abs), { ...use, what: `${use.what} (its folder)` });
  let stat: ReturnType<typeof statSync> | null = null;
  try {
    stat = statSync(abs);
  } catch {
    stat = null;
  }
  if (stat?.isDirectory()) throw refuse(use, abs, 'it is a folder, not a file');
  if (stat && !stat.isFile()) throw refuse(use, abs, 'it is not a regular file (a FIFO, device or socket)');
  const real = stat ? realpathSync(abs) : abs;
  const bad = special(use, abs, real);
  if (bad) throw bad;
  return abs;
}

/** A write that failed part-way (disk full, read-only remount, I/O error) as the catalogue says it. */
export function outputWriteError(
  what: string,
  path: string,
  error: unknown,
  partial: string,
): CallstormError {
  return new CallstormError(
    'CS_ERR_OUTPUT_WRITE',
    { what, path, reason: errnoText(error), partial },
    { cause: error },
  );
}

/** True for the file-system errors a write can meet that are the environment's, not a bug. */
export function isOutputError(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  return (
    code !== undefined &&
    ['ENOSPC', 'EROFS', 'EDQUOT', 'EIO', 'EFBIG', 'EACCES', 'EPERM', 'ENOTDIR', 'EISDIR', 'ENOENT'].includes(
      code,
    )
  );
}
