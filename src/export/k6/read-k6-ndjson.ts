import { closeSync, readSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { CallstormError } from '../../errors/callstorm-error.ts';
import {
  BoundedReadError,
  forEachLine,
  formatBytes,
  openRegularFile,
  readBytesBounded,
} from '../../util/bounded-read.ts';

/** A `Point` line of k6's `--out json` output. */
export interface K6Point {
  readonly metric: string;
  readonly time: string;
  readonly value: number;
  readonly tags: Readonly<Record<string, string>>;
}

const MiB = 1024 * 1024;

/**
 * The most callstorm reads of one runner's output (docs/k6.md): plain NDJSON is streamed line by
 * line (each line at most `line`); gzip is decompressed in memory, so it is capped on both sides.
 */
export const K6_OUTPUT_LIMITS = {
  plain: 8 * 1024 * MiB,
  gzip: 256 * MiB,
  gunzipped: 1024 * MiB,
  line: MiB,
} as const;

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** The tags of a point: an object of strings (numbers and booleans as k6 may write them, stringified). */
function tagsOf(raw: unknown): Record<string, string> | null {
  if (raw === undefined || raw === null) return {};
  if (!isObject(raw)) return null;
  const tags: Record<string, string> = Object.create(null);
  for (const [k, v] of Object.entries(raw)) {
    if (typeof v === 'string') tags[k] = v;
    else if (typeof v === 'number' || typeof v === 'boolean') tags[k] = String(v);
    else return null;
  }
  return tags;
}

/**
 * One line as a point, null for a Metric declaration, or the reason it is neither. `keep` says
 * which metrics' points are kept (the rest are k6's own: http_req_duration and the like).
 */
function pointOf(line: string, keep: (metric: string) => boolean): K6Point | null | string {
  let json: unknown;
  try {
    json = JSON.parse(line);
  } catch {
    return 'is not JSON (not k6 NDJSON)';
  }
  if (isObject(json) && json.type === 'Metric') return null;
  const data = isObject(json) ? json.data : undefined;
  if (
    !isObject(json) ||
    json.type !== 'Point' ||
    typeof json.metric !== 'string' ||
    !isObject(data) ||
    typeof data.value !== 'number' ||
    !Number.isFinite(data.value)
  ) {
    return 'is neither a k6 Metric nor a Point line (a Point needs a metric name and a finite data.value)';
  }
  if (!keep(json.metric)) return null;
  const tags = tagsOf(data.tags);
  if (tags === null) return 'has data.tags that are not an object of strings';
  return { metric: json.metric, time: String(data.time ?? ''), value: data.value, tags };
}

function isGzip(path: string): boolean {
  const { fd } = openRegularFile(path, Number.MAX_SAFE_INTEGER);
  try {
    const head = Buffer.alloc(2);
    const n = readSync(fd, head, 0, 2, 0);
    return n === 2 && head[0] === 0x1f && head[1] === 0x8b;
  } finally {
    closeSync(fd);
  }
}

function eachLine(path: string, onLine: (text: string, line: number) => void): void {
  if (!isGzip(path)) {
    forEachLine(path, { maxBytes: K6_OUTPUT_LIMITS.plain, maxLineBytes: K6_OUTPUT_LIMITS.line }, onLine);
    return;
  }
  let text: string;
  try {
    text = gunzipSync(readBytesBounded(path, K6_OUTPUT_LIMITS.gzip), {
      maxOutputLength: K6_OUTPUT_LIMITS.gunzipped,
    }).toString('utf8');
  } catch (error) {
    if (error instanceof BoundedReadError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    throw new CallstormError('CS_ERR_K6_OUTPUT', {
      path,
      reason:
        code === 'ERR_BUFFER_TOO_LARGE'
          ? `it decompresses to more than ${formatBytes(K6_OUTPUT_LIMITS.gunzipped)}: gunzip it first (plain NDJSON is read line by line)`
          : `not gzip: ${(error as Error).message}`,
    });
  }
  let line = 0;
  for (let at = 0; at <= text.length; ) {
    const nl = text.indexOf('\n', at);
    const end = nl === -1 ? text.length : nl;
    line++;
    if (end - at > K6_OUTPUT_LIMITS.line) {
      throw new CallstormError('CS_ERR_K6_OUTPUT', {
        path,
        reason: `line ${line} is longer than ${formatBytes(K6_OUTPUT_LIMITS.line)}: not a line k6 wrote`,
      });
    }
    onLine(text.slice(at, end), line);
    at = end + 1;
  }
}

/**
 * Reads one runner's k6 `--out json` file (NDJSON; gzip when it starts with the gzip magic):
 * `{"type":"Metric",…}` lines declare metrics, `{"type":"Point","metric","data":{"time","value",
 * "tags"}}` lines are samples. Returns the points of the metrics `keep` accepts (all by default);
 * anything else is CS_ERR_K6_OUTPUT naming the file and line. The file must be a regular file
 * within K6_OUTPUT_LIMITS (a FIFO or /dev/zero is refused before anything is read).
 */
export function readK6Ndjson(path: string, keep: (metric: string) => boolean = () => true): K6Point[] {
  const points: K6Point[] = [];
  let seen = 0;
  try {
    eachLine(path, (raw, line) => {
      const text = raw.trim();
      if (text === '') return;
      const p = pointOf(text, keep);
      if (typeof p === 'string')
        throw new CallstormError('CS_ERR_K6_OUTPUT', { path, reason: `line ${line} ${p}` });
      seen++;
      if (p) points.push(p);
    });
  } catch (error) {
    if (error instanceof BoundedReadError) {
      throw error.reason === 'no such file'
        ? new CallstormError('CS_ERR_FILE_NOT_FOUND', { path, reason: error.reason })
        : new CallstormError('CS_ERR_K6_OUTPUT', { path, reason: error.reason });
    }
    throw error;
  }
  if (seen === 0) throw new CallstormError('CS_ERR_K6_OUTPUT', { path, reason: 'no k6 lines in it (empty)' });
  return points;
}
