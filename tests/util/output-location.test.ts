import { execFileSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { type CallstormError, isCallstormError } from '../../src/errors/callstorm-error.ts';
import {
  MAX_FILE_NAME_BYTES,
  prepareOutputFile,
  prepareOutputFolder,
} from '../../src/util/output-location.ts';

const dir = mkdtempSync(join(tmpdir(), 'callstorm-output-location-'));
const use = { option: '--out', what: 'the report' };

function refusal(fn: () => unknown): CallstormError {
  try {
    fn();
  } catch (error) {
    if (isCallstormError(error)) return error;
    throw error;
  }
  throw new Error('expected a CallstormError');
}

test('a missing nested folder is created and proved writable, and nothing is left behind by the probe', () => {
  const out = join(dir, 'a', 'b', 'c');
  expect(prepareOutputFolder(out, use)).toBe(out);
  expect(statSync(out).isDirectory()).toBe(true);
  expect(readdirSync(out)).toEqual([]);
});

test.each([
  ['a file', () => join(dir, 'a-file'), 'it is a file, not a folder'],
  ['below a file', () => join(dir, 'a-file', 'below'), 'is a file, not a folder'],
  ['/dev/null', () => '/dev/null', 'under /dev'],
  ['/proc/self/x (used to spin in mkdir -p)', () => '/proc/self/x', 'under /proc'],
  ['/sys/kernel/x/y', () => '/sys/kernel/x/y', 'under /sys'],
  ['a symlink into /proc', () => join(dir, 'to-proc', 'x'), 'it resolves to /proc/'],
])(
  '--out %s is refused with CS_ERR_OUTPUT_LOCATION (exit 2) naming the option and why',
  (_name, path, why) => {
    writeFileSync(join(dir, 'a-file'), 'x');
    if (!existsSync(join(dir, 'to-proc'))) symlinkSync('/proc/self', join(dir, 'to-proc'));
    const started = performance.now();
    const e = refusal(() => prepareOutputFolder(path(), use));
    expect(performance.now() - started).toBeLessThan(2_000);
    expect(e.code).toBe('CS_ERR_OUTPUT_LOCATION');
    expect(e.exitCode).toBe(2);
    expect(e.message).toContain(why);
    expect(e.hint).toContain('--out');
  },
);

test('a folder that cannot be written is refused and the folders made for it are removed again', () => {
  // The last part cannot be made (its name is too long); `made`, created before it, is removed.
  // (Read-only and full disks are real mounts in the CLI fuzz, tests/fuzz/.)
  const base = join(dir, 'partial');
  mkdirSync(base);
  const e = refusal(() => prepareOutputFolder(join(base, 'made', 'x'.repeat(300)), use));
  expect(e.code).toBe('CS_ERR_OUTPUT_LOCATION');
  expect(e.message).toContain('ENAMETOOLONG');
  expect(readdirSync(base)).toEqual([]);
});

test.each([
  ['a folder', () => dir, 'it is a folder, not a file'],
  ['a FIFO (writing would block)', () => join(dir, 'fifo'), 'not a regular file'],
  ['/dev/full', () => '/dev/full', 'under /dev'],
  [
    'a file name past NAME_MAX',
    () => join(dir, 'x'.repeat(MAX_FILE_NAME_BYTES + 1)),
    'longer than 255 bytes',
  ],
])('an output file that is %s is refused before anything is written', (_name, path, why) => {
  if (!existsSync(join(dir, 'fifo'))) execFileSync('mkfifo', [join(dir, 'fifo')]);
  const e = refusal(() => prepareOutputFile(path(), { option: '--out', what: 'the plans' }));
  expect(e.code).toBe('CS_ERR_OUTPUT_LOCATION');
  expect(e.message).toContain(why);
});

test('an existing regular file and a new one in a new folder are fine output files', () => {
  writeFileSync(join(dir, 'old.jsonl'), 'x');
  expect(prepareOutputFile(join(dir, 'old.jsonl'), use)).toBe(join(dir, 'old.jsonl'));
  expect(prepareOutputFile(join(dir, 'new', 'plans.jsonl'), use)).toBe(join(dir, 'new', 'plans.jsonl'));
  expect(statSync(join(dir, 'new')).isDirectory()).toBe(true);
});
