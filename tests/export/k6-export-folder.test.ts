import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { type CallstormError, isCallstormError } from '../../src/errors/callstorm-error.ts';
import { ingestK6 } from '../../src/export/k6/ingest-k6.ts';
import { ROOT } from '../helpers/run-cli.ts';

// `callstorm ingest k6 --from <folder>` reads export.json and plans/ through their schemas: a
// folder that is not an export is CS_ERR_K6_OUTPUT naming what is missing (issue 15: exit 70).
const FIX = join(ROOT, 'tests', 'fixtures', 'k6');
const RUNNER = join(FIX, 'runner-1.ndjson');
const dir = mkdtempSync(join(tmpdir(), 'callstorm-k6-export-folder-'));

function refusal(from: string): CallstormError {
  try {
    ingestK6({ files: [RUNNER], from, out: join(dir, 'out') });
  } catch (error) {
    if (isCallstormError(error)) return error;
    throw error;
  }
  throw new Error('expected a CallstormError');
}

function exportCopy(name: string, damage: (folder: string) => void): string {
  const folder = join(dir, name);
  cpSync(FIX, folder, { recursive: true });
  damage(folder);
  return folder;
}

test('an export folder without plans/ is CS_ERR_K6_OUTPUT (exit 2) saying so and what to do', () => {
  const e = refusal(exportCopy('no-plans', (f) => rmSync(join(f, 'plans'), { recursive: true })));
  expect(e.code).toBe('CS_ERR_K6_OUTPUT');
  expect(e.exitCode).toBe(2);
  expect(e.message).toContain('has no plans/ folder');
});

test('--from a file, or a folder with no export.json, is refused naming it', () => {
  expect(refusal(RUNNER).message).toContain('not a folder');
  const e = refusal(exportCopy('no-manifest', (f) => rmSync(join(f, 'export.json'))));
  expect(e.code).toBe('CS_ERR_K6_OUTPUT');
  expect(e.message).toContain('export.json');
});

test('plans that are not a list of plans, or list a plan twice, are refused naming the shard', () => {
  const shard = (f: string) => join(f, 'plans', 'shard-1-of-1.json');
  const notList = refusal(exportCopy('object', (f) => writeFileSync(shard(f), '{"__proto__":{"x":1}}')));
  expect(notList.code).toBe('CS_ERR_K6_OUTPUT');
  expect(notList.message).toContain('not a list of call plans');
  const twice = refusal(
    exportCopy('twice', (f) => {
      const plans = JSON.parse(readFileSync(shard(f), 'utf8')) as unknown[];
      writeFileSync(shard(f), JSON.stringify([...plans, plans[0]]));
    }),
  );
  expect(twice.message).toMatch(/id ".+" is in the export twice/);
});
