import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { type CallstormError, isCallstormError } from '../../src/errors/callstorm-error.ts';
import { ingestK6 } from '../../src/export/k6/ingest-k6.ts';
import { ROOT } from '../helpers/run-cli.ts';

// `callstorm ingest k6 --from <folder>` reads export.json and plans/ through their schemas: a
// folder that is not an export is CS_ERR_K6_OUTPUT naming what is missing (issue 15: exit 70).
const FIX = join(ROOT, 'tests', 'fixtures', 'k6');
const RUNNER = join(FIX, 'runner-1.ndjson');
const dir = mkdtempSync(join(tmpdir(), 'callstorm-k6-export-folder-'));

function refusalOf(fn: () => unknown): CallstormError {
  try {
    fn();
  } catch (error) {
    if (isCallstormError(error)) return error;
    throw error;
  }
  throw new Error('expected a CallstormError');
}

const refusal = (from: string) => refusalOf(() => ingestK6({ files: [RUNNER], from, out: join(dir, 'out') }));

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

describe('k6 output with a copied line is refused, naming the call (issue 15: duplicated lines)', () => {
  const lines = readFileSync(RUNNER, 'utf8').split('\n').filter(Boolean);
  const metricOf = (l: string) => (JSON.parse(l) as { type: string; metric: string }).metric;
  const pointAt = (metric: string) =>
    lines.findIndex((l) => l.includes('"type":"Point"') && metricOf(l) === metric);
  const ingestLines = (name: string, ls: string[]) => {
    const file = join(dir, `${name}.ndjson`);
    writeFileSync(file, `${ls.join('\n')}\n`);
    return () => ingestK6({ files: [file], from: FIX, out: join(dir, `out-${name}`) });
  };

  test.each([
    ['callstorm_calls', 'its end is in the k6 output twice'],
    ['callstorm_turns', 'sent at'],
  ])('a %s point twice', (metric, what) => {
    const at = pointAt(metric);
    const copied = [...lines.slice(0, at + 1), lines[at]!, ...lines.slice(at + 1)];
    const e = refusalOf(ingestLines(`twice-${metric}`, copied));
    expect(e.code).toBe('CS_ERR_K6_OUTPUT');
    expect(e.message).toContain(what);
  });

  test('the same runner file given twice', () => {
    const e = refusalOf(() => ingestK6({ files: [RUNNER, RUNNER], from: FIX, out: join(dir, 'out-same') }));
    expect(e.message).toContain("one runner's file given twice");
  });

  test('the fixture as it is ingests', () => {
    expect(ingestLines('as-is', lines)().records.length).toBeGreaterThan(0);
  });
});

test('export.json with the right schema tag and a window that is not one is refused naming the field', () => {
  const edit = (name: string, change: Record<string, unknown>) =>
    exportCopy(name, (f) => {
      const m = JSON.parse(readFileSync(join(f, 'export.json'), 'utf8')) as Record<string, unknown>;
      writeFileSync(join(f, 'export.json'), JSON.stringify({ ...m, ...change }));
    });
  expect(refusal(edit('window-proto', { window: 'constructor' })).message).toContain('window: not a window');
  expect(refusal(edit('window-3', { window: 'A/B/C' })).message).toContain('window: not a window');
  expect(
    refusal(
      edit('window-back', { windowStart: '2026-03-30T10:00:00.000Z', windowEnd: '2026-03-30T09:00:00.000Z' }),
    ).message,
  ).toContain('windowEnd: must be after windowStart');
});
