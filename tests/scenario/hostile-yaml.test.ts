import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { expect, test } from 'vitest';
import { type CallstormError, isCallstormError } from '../../src/errors/callstorm-error.ts';
import { MAX_YAML_ALIASES, parseYaml, readYaml } from '../../src/scenario/load-document.ts';
import { loadDocument } from '../../src/scenario/load-scenario.ts';
import { MAX_INPUT_FILE_BYTES } from '../../src/scenario/read-input-file.ts';

const dir = mkdtempSync(join(tmpdir(), 'callstorm-hostile-'));

function errorOf(fn: () => unknown): CallstormError {
  try {
    fn();
  } catch (error) {
    if (isCallstormError(error)) return error;
    throw error;
  }
  throw new Error('expected a CallstormError');
}

test('billion laughs: aliases that expand too far are refused, not expanded', () => {
  const levels = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
  for (let i = 1; i < 9; i++) {
    const prev = String.fromCharCode(96 + i);
    const name = String.fromCharCode(97 + i);
    levels.push(`${name}: &${name} [${Array(9).fill(`*${prev}`).join(',')}]`);
  }
  const e = errorOf(() => parseYaml(levels.join('\n'), 'laughs.yaml'));
  expect(e.code).toBe('CS_ERR_YAML_SYNTAX');
  expect(e.message).toContain('laughs.yaml');
  expect(e.message).toContain(`more than ${MAX_YAML_ALIASES}`);
});

test('a duplicate key is named with its line, also among 100,000 keys (a linear check)', () => {
  const lines = Array.from({ length: 100_000 }, (_, i) => `k${i}: ${i}`);
  lines.push('k42: again');
  const e = errorOf(() => parseYaml(lines.join('\n'), 'many.yaml'));
  expect(e.code).toBe('CS_ERR_YAML_SYNTAX');
  expect(e.message).toContain('line 100001');
  expect(e.message).toContain('"k42" appears twice');
});

test('nesting that would overflow the stack is a syntax error', () => {
  const deep = `${'['.repeat(50_000)}${']'.repeat(50_000)}`;
  expect(errorOf(() => parseYaml(deep, 'deep.yaml')).code).toBe('CS_ERR_YAML_SYNTAX');
});

test('a FIFO, a device, a directory and an oversized file are refused without reading them', () => {
  const fifo = join(dir, 'scenario.fifo');
  execFileSync('mkfifo', [fifo]);
  for (const path of [fifo, '/dev/zero', dir]) {
    const e = errorOf(() => readYaml(path));
    expect(e.code, path).toBe('CS_ERR_INPUT_FILE');
    expect(e.message).toContain(path);
  }
  const big = join(dir, 'big.yaml');
  writeFileSync(big, `# ${'x'.repeat(MAX_INPUT_FILE_BYTES)}\n`);
  const e = errorOf(() => readYaml(big));
  expect(e.code).toBe('CS_ERR_INPUT_FILE');
  expect(e.hint).toContain('4 MiB');
});

test('kinds that are names on Object.prototype are unknown kinds, not internal errors', () => {
  for (const kind of ['constructor', 'toString', '__proto__', 'hasOwnProperty', 'valueOf']) {
    const path = join(dir, `${kind}.yaml`);
    writeFileSync(path, `kind: ${kind}\nname: x\n`);
    const e = errorOf(() => loadDocument(path));
    expect(e.code, kind).toBe('CS_ERR_SCENARIO_INVALID');
    expect(e.message).toContain('unknown kind');
  }
});

test('any text either parses or is a YAML syntax error, never another exception', () => {
  fc.assert(
    fc.property(
      fc.oneof(fc.string(), fc.string({ unit: 'binary' }), fc.stringMatching(/^[[\]{}:&*!|>'"#\-\n ,a-c]*$/)),
      (text) => {
        try {
          parseYaml(text, 'fuzz.yaml');
        } catch (error) {
          expect(isCallstormError(error) && error.code).toBe('CS_ERR_YAML_SYNTAX');
        }
      },
    ),
    { numRuns: 500 },
  );
});
