/** Where a simulator host serves its control API. */
export const CONTROL_PREFIX = '/__callstorm';

/** Rounds of percent-decoding: enough for `%255F` (double encoding), bounded against abuse. */
const DECODE_ROUNDS = 4;

/**
 * The path of a request target as a router could end up reading it: the query and fragment cut
 * off, an absolute-form target's scheme and authority dropped, percent escapes decoded (in either
 * case, repeatedly, so double encoding is seen through), backslashes read as slashes, duplicate
 * slashes collapsed, and `.` / `..` segments resolved. Never throws: a malformed escape stays as
 * it is. Compare the result case-insensitively (see isControlPath).
 */
export function normalisedPath(target: string): string {
  let path = target.replace(/^[a-z][a-z0-9+.-]*:\/\/[^/?#]*/i, '');
  path = path.split(/[?#]/, 1)[0] ?? '';
  for (let round = 0; round < DECODE_ROUNDS; round++) {
    const decoded = path.replace(/%([0-9a-f]{2})/gi, (_, hex: string) =>
      String.fromCharCode(Number.parseInt(hex, 16)),
    );
    if (decoded === path) break;
    path = decoded;
  }
  const segments: string[] = [];
  for (const segment of path.replace(/\\/g, '/').split('/')) {
    if (segment === '' || segment === '.') continue;
    if (segment === '..') segments.pop();
    else segments.push(segment);
  }
  return `/${segments.join('/')}`;
}

/**
 * Whether a request target names the control API, however it is spelt: `/%5F%5Fcallstorm/ledger`,
 * `/v1/../__callstorm/faults`, `//__callstorm/health` and `/__CALLSTORM/faults` all do. Decided
 * on the normalised path, not on the raw target a router decodes later, so no spelling of a
 * control path escapes the loopback rule.
 */
export function isControlPath(target: string): boolean {
  const path = normalisedPath(target).toLowerCase();
  return path === CONTROL_PREFIX || path.startsWith(`${CONTROL_PREFIX}/`);
}
