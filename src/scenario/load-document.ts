import { readFileSync } from 'node:fs';
import { parseDocument } from 'yaml';
import type { z } from 'zod';
import { CallstormError } from '../errors/callstorm-error.ts';
import { deepFreeze } from './deep-freeze.ts';

/** Turns a zod issue path into `stage.population.dialects` / `vertical.flows[2].turns`. */
export function formatPath(root: string, path: readonly PropertyKey[]): string {
  let out = root;
  for (const key of path) out += typeof key === 'number' ? `[${key}]` : `.${String(key)}`;
  return out;
}

function describeIssue(issue: z.core.$ZodIssue): string {
  if (issue.code === 'invalid_type' && /received undefined$/.test(issue.message)) {
    return `required field is missing (expected ${issue.expected})`;
  }
  if (issue.code === 'unrecognized_keys') {
    return `unknown field${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => `"${k}"`).join(', ')}: remove ${issue.keys.length > 1 ? 'them' : 'it'} or check the spelling`;
  }
  if (issue.code === 'invalid_value') {
    return `expected one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}`;
  }
  return issue.message.replace(/^Invalid input: /, '');
}

export function formatIssues(root: string, issues: readonly z.core.$ZodIssue[]): string {
  return issues
    .map((issue) => {
      const path = issue.code === 'unrecognized_keys' ? issue.path : issue.path;
      return `  ${formatPath(root, path)}: ${describeIssue(issue)}`;
    })
    .join('\n');
}

/** Validates plain data with a schema; a failure names every wrong field by path. */
export function validate<S extends z.ZodType>(
  schema: S,
  data: unknown,
  root: string,
  source: string,
): Readonly<z.output<S>> {
  const result = schema.safeParse(data);
  if (!result.success) {
    throw new CallstormError('CS_ERR_SCENARIO_INVALID', {
      path: source,
      kind: root,
      issues: formatIssues(root, result.error.issues),
    });
  }
  return deepFreeze(result.data);
}

/** Reads and parses a YAML file; syntax errors carry line and column. */
export function readYaml(path: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    const reason =
      (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : String((error as Error).message);
    throw new CallstormError('CS_ERR_FILE_NOT_FOUND', { path, reason });
  }
  return parseYaml(text, path);
}

export function parseYaml(text: string, source: string): unknown {
  const doc = parseDocument(text, { prettyErrors: true, uniqueKeys: true });
  const first = doc.errors[0];
  if (first) {
    const pos = first.linePos?.[0];
    const where = pos ? `line ${pos.line}, column ${pos.col}: ` : '';
    throw new CallstormError('CS_ERR_YAML_SYNTAX', {
      path: source,
      reason: `${where}${first.message.split('\n')[0]?.replace(/ at line \d+, column \d+:?$/, '')}`,
    });
  }
  return doc.toJS();
}
