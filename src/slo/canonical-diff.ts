/** Where two JSON values first differ: the path (`expectations[1].actual`) and both values as JSON. */
export interface Difference {
  readonly path: string;
  readonly left: string;
  readonly right: string;
}

const show = (v: unknown) => (v === undefined ? 'absent' : JSON.stringify(v));

/** The first difference between two JSON values, keys compared in sorted order; null when equal. */
export function firstDifference(a: unknown, b: unknown, path = ''): Difference | null {
  if (Object.is(a, b)) return null;
  if (Array.isArray(a) && Array.isArray(b)) {
    for (let i = 0; i < Math.max(a.length, b.length); i++) {
      const d = firstDifference(a[i], b[i], `${path}[${i}]`);
      if (d !== null) return d;
    }
    return null;
  }
  const isRecord = (v: unknown): v is Record<string, unknown> =>
    v !== null && typeof v === 'object' && !Array.isArray(v);
  if (isRecord(a) && isRecord(b)) {
    for (const k of [...new Set([...Object.keys(a), ...Object.keys(b)])].sort()) {
      const d = firstDifference(a[k], b[k], path === '' ? k : `${path}.${k}`);
      if (d !== null) return d;
    }
    return null;
  }
  return { path: path === '' ? '(the whole value)' : path, left: show(a), right: show(b) };
}
