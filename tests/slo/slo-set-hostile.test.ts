import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { type CallstormError, isCallstormError } from '../../src/errors/callstorm-error.ts';
import { isOpenSloFile, loadSloSet } from '../../src/slo/slo-set.ts';

// SLO set files are read as every input file is (issue 15: `validate /dev/zero` grew to 3 GB, a
// FIFO blocked): a regular file of bounded size, YAML with alias limits.
const dir = mkdtempSync(join(tmpdir(), 'callstorm-slo-hostile-'));

function refusal(path: string): CallstormError {
  try {
    loadSloSet(path);
  } catch (error) {
    if (isCallstormError(error)) return error;
    throw error;
  }
  throw new Error('expected a CallstormError');
}

test('/dev/zero, a FIFO and a folder as an SLO set are refused at once, never read', () => {
  const fifo = join(dir, 'slos.fifo');
  execFileSync('mkfifo', [fifo]);
  for (const path of ['/dev/zero', fifo, dir]) {
    const started = performance.now();
    const e = refusal(path);
    expect(e.code).toBe('CS_ERR_INPUT_FILE');
    expect(e.message).toContain(path);
    expect(isOpenSloFile(path)).toBe(false);
    expect(performance.now() - started).toBeLessThan(2_000);
  }
});

test('billion laughs in the second document of an SLO set is a YAML syntax error, not expanded', () => {
  const lines = ['a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]'];
  for (let l = 1; l < 10; l++)
    lines.push(
      `a${l}: &a${l} [${Array(9)
        .fill(`*a${l - 1}`)
        .join(', ')}]`,
    );
  const path = join(dir, 'laughs.yaml');
  writeFileSync(path, `apiVersion: openslo/v1\nkind: SLO\n---\n${lines.join('\n')}\n`);
  const e = refusal(path);
  expect(e.code).toBe('CS_ERR_YAML_SYNTAX');
  expect(e.message).toContain(path);
});
