import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, expect, test } from 'vitest';
import { isCallstormError } from '../../src/errors/callstorm-error.ts';
import { readRunFolder } from '../../src/run-folder/read-run-folder.ts';
import { evaluateRunFolder } from '../../src/slo/evaluate-run.ts';
import { loadPriceList } from '../../src/slo/price-list.ts';
import { loadSloSet } from '../../src/slo/slo-set.ts';
import { corrupt, corruptionArb } from './corrupt-folder.ts';
import { writeValidRunFolder } from './valid-run-folder.ts';

const root = mkdtempSync(join(tmpdir(), 'callstorm-reader-property-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const template = writeValidRunFolder(join(root, 'template'), { calls: 24 });
const other = writeValidRunFolder(join(root, 'other'), { runId: 'other-run', calls: 20 });
const inputs = { slos: loadSloSet('scale'), prices: loadPriceList() };
let n = 0;

function copy(): string {
  const dir = join(root, `case-${n++}`);
  cpSync(template, dir, { recursive: true });
  return dir;
}

/** What reading and evaluating a folder gave: `ok`, or the refusal's file. */
function outcome(dir: string): { ok: true } | { ok: false; path: string; message: string } {
  try {
    evaluateRunFolder(readRunFolder(dir), inputs);
    return { ok: true };
  } catch (error) {
    if (!isCallstormError(error)) throw error;
    expect(error.code, error.message).toBe('CS_ERR_RUN_ARTEFACT');
    expect(error.exitCode).toBe(2);
    return { ok: false, path: String(error.params['path']), message: error.message };
  }
}

test('any corruption of a valid folder is read and evaluated, or refused naming a file of the folder — never an internal error (property)', () => {
  fc.assert(
    fc.property(corruptionArb, (c) => {
      const dir = copy();
      try {
        corrupt(dir, c, other);
        const r = outcome(dir);
        if (!r.ok) {
          expect(r.path === dir || r.path.startsWith(`${dir}/`), r.path).toBe(true);
          expect(r.message).not.toMatch(/undefined|\[object Object\]/);
        }
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    }),
    { numRuns: 250, seed: 20260330 },
  );
});

test('a duplicated call line is always refused, naming calls.jsonl and both lines (property)', () => {
  const lines = readFileSync(join(template, 'calls.jsonl'), 'utf8').split('\n').filter(Boolean);
  fc.assert(
    fc.property(fc.nat(lines.length - 1), fc.nat(lines.length), (which, at) => {
      const dir = copy();
      try {
        const out = [...lines];
        out.splice(at, 0, lines[which]!);
        writeFileSync(join(dir, 'calls.jsonl'), `${out.join('\n')}\n`);
        const r = outcome(dir);
        expect(r.ok).toBe(false);
        if (!r.ok) {
          expect(r.path).toBe(join(dir, 'calls.jsonl'));
          expect(r.message).toMatch(
            /line \d+: callId: "valid-run-c\d+" is recorded again \(first on line \d+\)/,
          );
        }
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    }),
    { numRuns: 40, seed: 7 },
  );
});

test('any time field of any call set negative, non-finite or absurd is refused with its line and field (property)', () => {
  const lines = readFileSync(join(template, 'calls.jsonl'), 'utf8').split('\n').filter(Boolean);
  const field = fc.constantFrom(
    'arrivalMs',
    'endedAtMs',
    'startLagMs',
    'turns.0.sentAtMs',
    'turns.0.voiceToVoiceMs',
    'cost.durationMs',
  );
  const bad = fc.oneof(
    fc.double({ max: -Number.MIN_VALUE, noNaN: true }),
    fc.double({ min: 366 * 86_400_001, noNaN: true }),
    fc.constant('1e308'),
  );
  fc.assert(
    fc.property(fc.nat(lines.length - 1), field, bad, (i, f, v) => {
      const dir = copy();
      try {
        const record = JSON.parse(lines[i]!);
        const keys = f.split('.');
        let node = record;
        for (const k of keys.slice(0, -1)) node = node[k];
        const text = JSON.stringify(record).replace(
          JSON.stringify({ [keys.at(-1)!]: node[keys.at(-1)!] }).slice(1, -1),
          `"${keys.at(-1)}":${typeof v === 'string' ? v : Number.isFinite(v) ? JSON.stringify(v) : '1e999'}`,
        );
        const out = [...lines];
        out[i] = text;
        writeFileSync(join(dir, 'calls.jsonl'), `${out.join('\n')}\n`);
        const r = outcome(dir);
        expect(r.ok).toBe(false);
        if (!r.ok) {
          expect(r.path).toBe(join(dir, 'calls.jsonl'));
          expect(r.message).toContain(`line ${i + 1}: ${f.replace('.0.', '[0].')}: must be`);
        }
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    }),
    { numRuns: 60, seed: 11 },
  );
});
