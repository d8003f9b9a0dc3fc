import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { stringify } from 'yaml';
import { isCallstormError } from '../../src/errors/callstorm-error.ts';
import { parseYaml } from '../../src/scenario/load-document.ts';
import { loadDocument } from '../../src/scenario/load-scenario.ts';
import { BUILTIN_SCENARIOS_DIR } from '../../src/scenario/scenario-files.ts';

const dir = mkdtempSync(join(tmpdir(), 'callstorm-prop-'));
const shipped = [
  'stages/pilot.yaml',
  'stages/scale.yaml',
  'verticals/collections.yaml',
  'verticals/claims.yaml',
  'populations/uk-ie.yaml',
].map((f) => parseYaml(readFileSync(join(BUILTIN_SCENARIOS_DIR, f), 'utf8'), f));

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

/** Every path to a value inside a document. */
function paths(value: Json, prefix: (string | number)[] = []): (string | number)[][] {
  if (value === null || typeof value !== 'object') return [prefix];
  const entries: [string | number, Json][] = Array.isArray(value)
    ? value.map((v, i) => [i, v])
    : Object.entries(value);
  return [prefix, ...entries.flatMap(([k, v]) => paths(v, [...prefix, k]))];
}

function mutate(doc: Json, path: (string | number)[], action: 'delete' | 'replace', replacement: Json): Json {
  const copy = structuredClone(doc) as Json;
  if (path.length === 0) return replacement;
  let parent = copy as Record<string | number, Json>;
  for (const key of path.slice(0, -1)) parent = parent[key] as Record<string | number, Json>;
  const last = path[path.length - 1]!;
  if (action === 'delete' && !Array.isArray(parent)) delete parent[last];
  else parent[last] = replacement;
  return copy;
}

const junk: fc.Arbitrary<Json> = fc.oneof(
  fc.constant(null),
  fc.boolean(),
  fc.double({ noNaN: true }),
  fc.integer({ min: -5, max: 5 }),
  fc.string({ maxLength: 8 }),
  fc.constant([] as Json[]),
  fc.constant({}),
  fc.dictionary(fc.string({ minLength: 1, maxLength: 5 }), fc.integer(), { maxKeys: 2 }),
);

describe('bad scenario files', () => {
  test('any mutation of a valid file either still validates or fails with field-path errors, never a crash', () => {
    const arbitrary = fc.integer({ min: 0, max: shipped.length - 1 }).chain((i) => {
      const doc = shipped[i] as Json;
      const all = paths(doc);
      return fc.record({
        doc: fc.constant(doc),
        path: fc.constantFrom(...all),
        action: fc.constantFrom('delete' as const, 'replace' as const),
        replacement: junk,
      });
    });
    let n = 0;
    fc.assert(
      fc.property(arbitrary, ({ doc, path, action, replacement }) => {
        const file = join(dir, `m${n++}.yaml`);
        writeFileSync(file, stringify(mutate(doc, path, action, replacement)));
        try {
          loadDocument(file);
        } catch (error) {
          expect(isCallstormError(error), String(error)).toBe(true);
          if (!isCallstormError(error)) return;
          expect(error.exitCode).toBe(2);
          if (error.code === 'CS_ERR_SCENARIO_INVALID') {
            // Every reported line names a field by its path: kind root, dots and [index].
            for (const line of error.message.split('\n').slice(1)) {
              expect(line).toMatch(/^ {2}(stage|vertical|population|file|kind)[\w.[\]-]*: \S/);
            }
          }
        }
      }),
      { numRuns: 300, seed: 20261123 },
    );
  });
});
