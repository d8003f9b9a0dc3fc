import { execFileSync, spawn } from 'node:child_process';
import {
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  truncateSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { isCallstormError } from '../../src/errors/callstorm-error.ts';
import { readRunFolder } from '../../src/run-folder/read-run-folder.ts';
import { evaluateRun } from '../../src/slo/evaluate-run.ts';
import { writeValidRunFolder } from './valid-run-folder.ts';

const root = mkdtempSync(join(tmpdir(), 'callstorm-run-folder-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let n = 0;
const fresh = (o: Parameters<typeof writeValidRunFolder>[1] = {}) =>
  writeValidRunFolder(join(root, `run-${n++}`), o);

const lines = (dir: string, file = 'calls.jsonl') =>
  readFileSync(join(dir, file), 'utf8').split('\n').filter(Boolean);
const writeLines = (dir: string, file: string, ls: readonly string[]) =>
  writeFileSync(join(dir, file), `${ls.join('\n')}\n`);
const json = (dir: string, file: string) => JSON.parse(readFileSync(join(dir, file), 'utf8'));
const writeJson = (dir: string, file: string, v: unknown) =>
  writeFileSync(join(dir, file), JSON.stringify(v));
/** Line `i` (0-based) of calls.jsonl, edited. */
function editCall(dir: string, i: number, edit: (c: Record<string, unknown>) => unknown): void {
  const ls = lines(dir);
  ls[i] = JSON.stringify(edit(JSON.parse(ls[i]!)));
  writeLines(dir, 'calls.jsonl', ls);
}

/** The CS_ERR_RUN_ARTEFACT message readRunFolder throws, checked to name `file`. */
function refusal(dir: string, file: string): string {
  try {
    readRunFolder(dir);
  } catch (error) {
    if (!isCallstormError(error)) throw error;
    expect(error.code).toBe('CS_ERR_RUN_ARTEFACT');
    expect(error.params['path']).toBe(join(dir, file));
    return `${error.message}\n  fix: ${error.hint}`;
  }
  throw new Error('the folder was accepted');
}

describe('a valid folder', () => {
  test('reads with every artefact, and evaluates with no notes: the drill judged again agrees with drill.json', () => {
    const dir = fresh();
    const f = readRunFolder(dir);
    expect(f.calls).toHaveLength(40);
    expect(f.faults.map((e) => e.event)).toEqual(['applied', 'removed']);
    expect(f.ledger).toMatchObject({ expected: 40, landed: 40 });
    expect(f.drill?.runId).toBe('valid-run');
    expect(f.histograms?.schema).toBe('callstorm.histograms/v1');
    expect(f.manifest.evaluation?.flowCategories['payment-arrangement']).toBe('named');
    const e = evaluateRun(dir);
    expect(e.notes).toEqual([]);
    expect(e.drillVerdict).toEqual(json(dir, 'drill.json'));
  });

  test('a torn last line (a killed run) is left out with a note; the same line torn in the middle is an error', () => {
    const dir = fresh({ drill: false });
    const m = json(dir, 'manifest.json');
    writeJson(dir, 'manifest.json', { ...m, status: 'running', complete: false, counts: {} });
    rmSync(join(dir, 'histograms.json'));
    const ls = lines(dir);
    writeFileSync(join(dir, 'calls.jsonl'), `${ls.join('\n')}\n${ls[0]!.slice(0, 100)}`);
    const e = evaluateRun(dir);
    expect(e.calls).toBe(40);
    expect(e.notes).toContain(
      'calls.jsonl: line 41 was cut short (the run was killed while writing it) and is left out',
    );
    writeFileSync(join(dir, 'calls.jsonl'), `${ls[0]!.slice(0, 100)}\n${ls.join('\n')}\n`);
    expect(refusal(dir, 'calls.jsonl')).toContain('line 1 is not valid JSON');
  });
});

describe('corrupted run data is refused, naming file, line and field (issue 15)', () => {
  test('a record with the right schema tag and nothing else', () => {
    const dir = fresh();
    const ls = lines(dir);
    ls.splice(6, 0, '{"schema":"callstorm.call/v1"}');
    writeLines(dir, 'calls.jsonl', ls);
    expect(refusal(dir, 'calls.jsonl')).toContain(
      'line 7: runId: required field is missing (expected string)',
    );
  });

  test('absurd and negative times, unknown outcomes', () => {
    const dir = fresh();
    editCall(dir, 6, (c) => ({ ...c, endedAtMs: 1e308 }));
    expect(refusal(dir, 'calls.jsonl')).toContain(
      'cannot use run artefact ' +
        join(dir, 'calls.jsonl') +
        ': line 7: endedAtMs: must be ≤ 31622400000 (366 days in ms)',
    );
    editCall(dir, 6, (c) => ({
      ...c,
      endedAtMs: 1000,
      turns: [{ ...(c.turns as object[])[0], sentAtMs: -5 }],
    }));
    expect(refusal(dir, 'calls.jsonl')).toContain('line 7: turns[0].sentAtMs: must be ≥ 0');
    editCall(dir, 6, (c) => ({ ...c, turns: [], outcome: 'teleported' }));
    expect(refusal(dir, 'calls.jsonl')).toContain(
      'line 7: outcome: expected one of "resolved", "false-containment"',
    );
  });

  test('scenario: null in the manifest, and a manifest that contradicts itself', () => {
    const dir = fresh();
    const m = json(dir, 'manifest.json');
    writeJson(dir, 'manifest.json', { ...m, scenario: null });
    expect(refusal(dir, 'manifest.json')).toContain(
      'not a run manifest: scenario: expected object, received null',
    );
    writeJson(dir, 'manifest.json', { ...m, status: 'complete', complete: false });
    expect(refusal(dir, 'manifest.json')).toContain('complete: is false but status is "complete"');
    writeJson(dir, 'manifest.json', { ...m, counts: { 'call.finished': -3 } });
    expect(refusal(dir, 'manifest.json')).toContain('counts.call.finished: must be ≥ 0');
  });

  test('duplicated lines: the report counted 24 calls against a manifest of 12', () => {
    const dir = fresh();
    const ls = lines(dir);
    writeLines(dir, 'calls.jsonl', [...ls, ls[0]!]);
    expect(refusal(dir, 'calls.jsonl')).toContain(
      'line 41: callId: "valid-run-c0" is recorded again (first on line 1): a call ends once, so the file holds duplicated lines',
    );
  });

  test('more (or fewer) calls than the manifest says finished', () => {
    const dir = fresh({ drill: false });
    rmSync(join(dir, 'histograms.json'));
    writeLines(dir, 'calls.jsonl', lines(dir).slice(0, 30));
    expect(refusal(dir, 'calls.jsonl')).toContain('holds 30 calls but manifest.json says 40 finished');
  });

  test('negative ledger totals', () => {
    const dir = fresh();
    const l = json(dir, 'ledger.json');
    writeJson(dir, 'ledger.json', { ...l, totals: { ...l.totals, lost: -2 } });
    expect(refusal(dir, 'ledger.json')).toContain('not a write ledger: totals.lost: must be ≥ 0');
  });

  test('garbage lines in faults.jsonl', () => {
    const dir = fresh();
    const ls = lines(dir, 'faults.jsonl');
    writeLines(dir, 'faults.jsonl', [ls[0]!, 'rm -rf /', ls[1]!]);
    expect(refusal(dir, 'faults.jsonl')).toContain('line 2 is not valid JSON');
    writeLines(dir, 'faults.jsonl', [ls[0]!, JSON.stringify({ ...JSON.parse(ls[1]!), event: 'exploded' })]);
    expect(refusal(dir, 'faults.jsonl')).toContain('line 2: event: expected one of "applied"');
  });

  test('fault events copied in or cut out of faults.jsonl disagree with the counts in manifest.json', () => {
    const dir = fresh();
    const ls = lines(dir, 'faults.jsonl');
    writeLines(dir, 'faults.jsonl', [ls[0]!, ls[0]!, ls[1]!]);
    expect(refusal(dir, 'faults.jsonl')).toContain(
      'holds 2 "applied" events but manifest.json counts 1 (fault.applied): lines were copied in or cut out',
    );
    writeLines(dir, 'faults.jsonl', [ls[0]!]);
    expect(refusal(dir, 'faults.jsonl')).toContain('holds 0 "removed" events but manifest.json counts 1');
  });

  test('a drill.json copied from another run, calls of another run', () => {
    const dir = fresh();
    const other = fresh({ runId: 'other-run' });
    writeFileSync(join(dir, 'drill.json'), readFileSync(join(other, 'drill.json')));
    const why = refusal(dir, 'drill.json');
    expect(why).toContain('runId: "other-run" is another run than this folder\'s "valid-run"');
    expect(why).toContain('fix: the file belongs to another run folder');
    const undrilled = fresh({ drill: false });
    writeFileSync(join(undrilled, 'drill.json'), readFileSync(join(other, 'drill.json')));
    expect(refusal(undrilled, 'drill.json')).toContain('is another run');
    const mixed = fresh();
    writeLines(mixed, 'calls.jsonl', [...lines(mixed).slice(0, 39), lines(other)[39]!]);
    expect(refusal(mixed, 'calls.jsonl')).toContain('line 40: runId: "other-run" is another run');
  });

  test('histograms.json of other calls', () => {
    const dir = fresh();
    const other = fresh({ calls: 30 });
    writeFileSync(join(dir, 'histograms.json'), readFileSync(join(other, 'histograms.json')));
    expect(refusal(dir, 'histograms.json')).toContain(
      'driver.call.start_lag_ms: counts 30 values where calls.jsonl holds 40',
    );
  });
});

describe('bounded reads (issue 15)', () => {
  test('a FIFO is refused at once, not waited on', async () => {
    const dir = fresh();
    unlinkSync(join(dir, 'calls.jsonl'));
    execFileSync('mkfifo', [join(dir, 'calls.jsonl')]);
    const started = Date.now();
    expect(refusal(dir, 'calls.jsonl')).toContain('is not a regular file (a FIFO, device or socket)');
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  test('/dev/zero is refused; so is a folder', () => {
    const dir = fresh();
    unlinkSync(join(dir, 'manifest.json'));
    symlinkSync('/dev/zero', join(dir, 'manifest.json'));
    expect(refusal(dir, 'manifest.json')).toContain('is not a regular file');
    const d2 = fresh();
    rmSync(join(d2, 'ledger.json'));
    execFileSync('mkdir', [join(d2, 'ledger.json')]);
    expect(refusal(d2, 'ledger.json')).toContain('is a folder, not a file');
  });

  test('files past their size limit are refused before they are read; so are over-long lines', () => {
    const dir = fresh();
    truncateSync(join(dir, 'calls.jsonl'), 600 * 1024 * 1024); // sparse: no disk used
    expect(refusal(dir, 'calls.jsonl')).toContain(
      `${600 * 1024 * 1024} bytes, more than the 512 MiB callstorm reads from this file`,
    );
    const d2 = fresh();
    writeFileSync(join(d2, 'faults.jsonl'), `"${'x'.repeat(1024 * 1024 + 10)}"\n`);
    expect(refusal(d2, 'faults.jsonl')).toContain('line 1 is longer than 1 MiB');
  });

  test('a manifest being written by a slow writer cannot make the reader hang (a FIFO with a writer)', async () => {
    const dir = fresh();
    unlinkSync(join(dir, 'manifest.json'));
    execFileSync('mkfifo', [join(dir, 'manifest.json')]);
    const writer = spawn('sh', ['-c', `exec 3>${join(dir, 'manifest.json')}; sleep 5`]);
    try {
      expect(refusal(dir, 'manifest.json')).toContain('is not a regular file');
    } finally {
      writer.kill();
    }
  });
});
