import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { CallstormError } from '../../errors/callstorm-error.ts';

/** A `Point` line of k6's `--out json` output. */
export interface K6Point {
  readonly metric: string;
  readonly time: string;
  readonly value: number;
  readonly tags: Readonly<Record<string, string>>;
}

/**
 * Reads one runner's k6 `--out json` file (NDJSON; gzip when it ends in .gz or starts with the
 * gzip magic): `{"type":"Metric",…}` lines declare metrics, `{"type":"Point","metric",
 * "data":{"time","value","tags"}}` lines are samples. Returns the points; anything else is an error
 * naming the file and line.
 */
export function readK6Ndjson(path: string): K6Point[] {
  let raw: Buffer;
  try {
    raw = readFileSync(path);
  } catch (error) {
    throw new CallstormError('CS_ERR_FILE_NOT_FOUND', {
      path,
      reason: error instanceof Error ? error.message : String(error),
    });
  }
  let text: string;
  try {
    text = (raw[0] === 0x1f && raw[1] === 0x8b ? gunzipSync(raw) : raw).toString('utf8');
  } catch (error) {
    throw new CallstormError('CS_ERR_K6_OUTPUT', { path, reason: `not gzip: ${(error as Error).message}` });
  }
  const points: K6Point[] = [];
  const lines = text.split('\n');
  let seen = 0;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.trim();
    if (line === '') continue;
    let json: unknown;
    try {
      json = JSON.parse(line);
    } catch {
      throw new CallstormError('CS_ERR_K6_OUTPUT', {
        path,
        reason: `line ${i + 1} is not JSON (not k6 NDJSON)`,
      });
    }
    const o = json as {
      type?: unknown;
      metric?: unknown;
      data?: { time?: unknown; value?: unknown; tags?: unknown };
    };
    if (o?.type === 'Metric') {
      seen++;
      continue;
    }
    if (o?.type !== 'Point' || typeof o.metric !== 'string' || typeof o.data?.value !== 'number') {
      throw new CallstormError('CS_ERR_K6_OUTPUT', {
        path,
        reason: `line ${i + 1} is neither a k6 Metric nor a Point line`,
      });
    }
    seen++;
    points.push({
      metric: o.metric,
      time: String(o.data.time ?? ''),
      value: o.data.value,
      tags: (o.data.tags ?? {}) as Record<string, string>,
    });
  }
  if (seen === 0) throw new CallstormError('CS_ERR_K6_OUTPUT', { path, reason: 'no k6 lines in it (empty)' });
  return points;
}
