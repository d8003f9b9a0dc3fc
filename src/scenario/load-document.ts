import { isMap, isScalar, LineCounter, parseAllDocuments, parseDocument, visit } from 'yaml';
import type { z } from 'zod';
import { CallstormError } from '../errors/callstorm-error.ts';
import { deepFreeze } from './deep-freeze.ts';
import { readInputFile } from './read-input-file.ts';

/** Aliases a YAML file may expand (the shipped files use none; billion-laughs files use millions). */
export const MAX_YAML_ALIASES = 100;
/** Keys a YAML file may hold in all (the shipped files hold < 2,000). */
export const MAX_YAML_KEYS = 200_000;

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

/** Reads and parses a YAML file (bounded: see readInputFile); syntax errors carry line and column. */
export function readYaml(path: string): unknown {
  return parseYaml(readInputFile(path, 'a YAML file').toString('utf8'), path);
}

function syntaxError(source: string, reason: string): CallstormError {
  return new CallstormError('CS_ERR_YAML_SYNTAX', { path: source, reason });
}

type YamlDocument = ReturnType<typeof parseDocument>;

/**
 * Parses YAML with limits a hostile file cannot get past: at most MAX_YAML_ALIASES alias
 * expansions and MAX_YAML_KEYS keys, nesting bounded by the stack, and a duplicate-key check that
 * is linear in the number of keys (the yaml library's own is quadratic).
 */
export function parseYaml(text: string, source: string): unknown {
  const lines = new LineCounter();
  let doc: YamlDocument;
  try {
    doc = parseDocument(text, { prettyErrors: true, uniqueKeys: false, lineCounter: lines });
  } catch (error) {
    throw syntaxError(source, deepOrMessage(error));
  }
  const keys = { count: 0 };
  return checkedValue(doc, lines, source, keys);
}

/**
 * parseYaml for a file of several documents (`---` separated, as OpenSLO files are): the same
 * limits over the whole file. Empty documents are dropped.
 */
export function parseYamlAll(text: string, source: string): unknown[] {
  const lines = new LineCounter();
  let docs: YamlDocument[];
  try {
    const parsed = parseAllDocuments(text, { prettyErrors: true, uniqueKeys: false, lineCounter: lines });
    docs = (Array.isArray(parsed) ? parsed : [parsed]) as YamlDocument[];
  } catch (error) {
    throw syntaxError(source, deepOrMessage(error));
  }
  const keys = { count: 0 };
  return docs
    .map((doc) => checkedValue(doc, lines, source, keys))
    .filter((d) => d !== null && d !== undefined);
}

/** One parsed document's value, after its errors, its keys (counted into `keys`) and its aliases are checked. */
function checkedValue(
  doc: YamlDocument,
  lines: LineCounter,
  source: string,
  keys: { count: number },
): unknown {
  const first = doc.errors[0];
  if (first) {
    const pos = first.linePos?.[0];
    const where = pos ? `line ${pos.line}, column ${pos.col}: ` : '';
    throw syntaxError(
      source,
      `${where}${first.message.split('\n')[0]?.replace(/ at line \d+, column \d+:?$/, '')}`,
    );
  }
  let problem: string | null = null;
  try {
    visit(doc, {
      Map(_, map) {
        if (!isMap(map)) return;
        const seen = new Set<string>();
        for (const pair of map.items) {
          keys.count++;
          const key = isScalar(pair.key) ? String(pair.key.value) : JSON.stringify(pair.key ?? null);
          if (seen.has(key)) {
            const at = isScalar(pair.key) && pair.key.range ? lines.linePos(pair.key.range[0]) : null;
            problem = `${at ? `line ${at.line}, column ${at.col}: ` : ''}map keys must be unique ("${key}" appears twice)`;
            return visit.BREAK;
          }
          seen.add(key);
        }
        if (keys.count > MAX_YAML_KEYS) {
          problem = `more than ${MAX_YAML_KEYS} keys`;
          return visit.BREAK;
        }
        return undefined;
      },
    });
  } catch (error) {
    throw syntaxError(source, deepOrMessage(error));
  }
  if (problem) throw syntaxError(source, problem);
  try {
    return doc.toJS({ maxAliasCount: MAX_YAML_ALIASES });
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    if (/alias/i.test(message))
      throw syntaxError(source, `aliases expand too far (more than ${MAX_YAML_ALIASES} expansions)`);
    throw syntaxError(source, deepOrMessage(error));
  }
}

function deepOrMessage(error: unknown): string {
  if (error instanceof RangeError) return 'nested too deeply';
  return error instanceof Error ? error.message.split('\n')[0]! : String(error);
}
