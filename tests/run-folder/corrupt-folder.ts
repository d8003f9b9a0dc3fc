import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { RUN_FOLDER_FILES } from '../../src/run-folder/run-folder-files.ts';

const FILES = Object.values(RUN_FOLDER_FILES);
type File = (typeof FILES)[number];

/** One way to damage one artefact of a run folder. */
export type Corruption =
  | { readonly kind: 'truncate'; readonly file: File; readonly at: number }
  | { readonly kind: 'byte'; readonly file: File; readonly at: number; readonly byte: number }
  | { readonly kind: 'insert-line'; readonly file: File; readonly at: number; readonly text: string }
  | { readonly kind: 'duplicate-line'; readonly file: File; readonly at: number }
  | { readonly kind: 'delete-line'; readonly file: File; readonly at: number }
  | {
      readonly kind: 'set';
      readonly file: File;
      readonly line: number;
      readonly path: readonly number[];
      readonly value: unknown;
    }
  | {
      readonly kind: 'delete-key';
      readonly file: File;
      readonly line: number;
      readonly path: readonly number[];
    }
  | {
      readonly kind: 'replace';
      readonly file: File;
      readonly with: 'missing' | 'empty' | 'folder' | 'fifo' | 'dev-zero' | 'other-run' | 'long-line';
    };

const fraction = fc.double({ min: 0, max: 1, noNaN: true, maxExcluded: true });
const file = fc.constantFrom(...FILES);
const hostileValue = fc.oneof(
  fc.jsonValue({ maxDepth: 2 }),
  fc.constantFrom(
    -1,
    -0.5,
    1e308,
    -1e308,
    0,
    2 ** 53 + 1,
    null,
    '',
    '__proto__',
    'x'.repeat(5000),
    [],
    {},
    true,
  ),
);
const garbageLine = fc.oneof(
  fc.string({ maxLength: 80 }),
  fc.jsonValue({ maxDepth: 2 }).map((v) => JSON.stringify(v)),
  fc.constantFrom(
    '{"schema":"callstorm.call/v1"}',
    '{"schema":"callstorm.fault/v1"}',
    '{"schema":"callstorm.call/v1","runId":null}',
    'null',
    '[]',
    '\u0000\u0001\u0002',
  ),
);

export const corruptionArb: fc.Arbitrary<Corruption> = fc.oneof(
  fc.record({ kind: fc.constant('truncate' as const), file, at: fraction }),
  fc.record({
    kind: fc.constant('byte' as const),
    file,
    at: fraction,
    byte: fc.integer({ min: 0, max: 255 }),
  }),
  fc.record({ kind: fc.constant('insert-line' as const), file, at: fraction, text: garbageLine }),
  fc.record({ kind: fc.constant('duplicate-line' as const), file, at: fraction }),
  fc.record({ kind: fc.constant('delete-line' as const), file, at: fraction }),
  fc.record({
    kind: fc.constant('set' as const),
    file,
    line: fraction,
    path: fc.array(fraction, { minLength: 1, maxLength: 4 }),
    value: hostileValue,
  }),
  fc.record({
    kind: fc.constant('delete-key' as const),
    file,
    line: fraction,
    path: fc.array(fraction, { minLength: 1, maxLength: 4 }),
  }),
  fc.record({
    kind: fc.constant('replace' as const),
    file,
    with: fc.constantFrom('missing', 'empty', 'folder', 'fifo', 'dev-zero', 'other-run', 'long-line'),
  }),
);

const pick = <T>(xs: readonly T[], at: number): T => xs[Math.min(xs.length - 1, Math.floor(at * xs.length))]!;

/** Walks `path` (fractions choosing a child at each level) and edits what it reaches. */
function edit(
  value: unknown,
  path: readonly number[],
  change: (parent: object, key: string | number) => void,
): void {
  let node = value;
  for (let i = 0; i < path.length; i++) {
    if (node === null || typeof node !== 'object') return;
    const keys: (string | number)[] = Array.isArray(node) ? node.map((_, k) => k) : Object.keys(node);
    if (keys.length === 0) return;
    const key = pick(keys, path[i]!);
    const child = (node as Record<string | number, unknown>)[key];
    if (i === path.length - 1 || child === null || typeof child !== 'object') {
      change(node, key);
      return;
    }
    node = child;
  }
}

/** Applies a corruption to the folder at `dir`; `otherRun` is a valid folder of another run. */
export function corrupt(dir: string, c: Corruption, otherRun: string): void {
  const path = join(dir, c.file);
  if (c.kind === 'replace') {
    rmSync(path, { recursive: true, force: true });
    if (c.with === 'empty') writeFileSync(path, '');
    if (c.with === 'folder') mkdirSync(path);
    if (c.with === 'fifo') execFileSync('mkfifo', [path]);
    if (c.with === 'dev-zero') symlinkSync('/dev/zero', path);
    if (c.with === 'other-run' && existsSync(join(otherRun, c.file))) cpSync(join(otherRun, c.file), path);
    if (c.with === 'long-line') writeFileSync(path, `${'{'.repeat(2 * 1024 * 1024)}\n`);
    return;
  }
  if (!existsSync(path)) return;
  const bytes = readFileSync(path);
  if (c.kind === 'truncate') {
    writeFileSync(path, bytes.subarray(0, Math.floor(c.at * bytes.length)));
    return;
  }
  if (c.kind === 'byte') {
    if (bytes.length === 0) return;
    bytes[Math.floor(c.at * bytes.length)] = c.byte;
    writeFileSync(path, bytes);
    return;
  }
  const jsonl = c.file.endsWith('.jsonl');
  const lines = jsonl ? bytes.toString('utf8').split('\n').filter(Boolean) : [bytes.toString('utf8')];
  const write = (ls: readonly string[]) => writeFileSync(path, jsonl ? `${ls.join('\n')}\n` : ls.join(''));
  if (c.kind === 'insert-line') {
    const at = Math.floor(c.at * (lines.length + 1));
    write([...lines.slice(0, at), c.text, ...lines.slice(at)]);
    return;
  }
  if (lines.length === 0) return;
  if (c.kind === 'duplicate-line') {
    write([...lines, pick(lines, c.at)]);
    return;
  }
  if (c.kind === 'delete-line') {
    const at = Math.floor(c.at * lines.length);
    write([...lines.slice(0, at), ...lines.slice(at + 1)]);
    return;
  }
  const i = Math.floor(c.line * lines.length);
  const value = JSON.parse(lines[i]!);
  edit(value, c.path, (parent, key) => {
    const p = parent as Record<string | number, unknown>;
    if (c.kind === 'set') p[key] = c.value;
    else if (Array.isArray(parent)) parent.splice(key as number, 1);
    else delete p[key];
  });
  lines[i] = JSON.stringify(value);
  write(lines);
}
