import type { z } from 'zod';

/** `turns[2].sentAtMs`, `scenario`, `(the whole value)`. */
export function issuePath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const key of path)
    out += typeof key === 'number' ? `[${key}]` : `${out === '' ? '' : '.'}${String(key)}`;
  return out === '' ? '(the whole value)' : out;
}

function describe(issue: z.core.$ZodIssue): string {
  if (issue.code === 'invalid_type' && /received undefined$/.test(issue.message)) {
    return `required field is missing (expected ${issue.expected})`;
  }
  if (issue.code === 'unrecognized_keys') {
    return `unknown field${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => `"${k}"`).join(', ')}`;
  }
  if (issue.code === 'invalid_value') {
    return `expected one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}`;
  }
  if (issue.code === 'invalid_union') return 'matches none of the shapes this field can take';
  return issue.message.replace(/^Invalid input: /, '');
}

/**
 * The first few issues of a failed parse, each as `path: what is wrong`, joined with `; `:
 * `endedAtMs: must be ≤ 31622400000 (366 days in ms); outcome: expected one of "resolved", …`.
 */
export function describeIssues(issues: readonly z.core.$ZodIssue[], max = 3): string {
  const shown = issues.slice(0, max).map((i) => `${issuePath(i.path)}: ${describe(i)}`);
  const more = issues.length > max ? `; and ${issues.length - max} more` : '';
  return shown.join('; ') + more;
}
