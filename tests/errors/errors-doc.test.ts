import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { CallstormError } from '../../src/errors/callstorm-error.ts';
import { withErrorsTable } from '../../src/errors/errors-table.ts';
import { ROOT } from '../helpers/run-cli.ts';

test('docs/errors.md lists every code of the catalogue (run `npm run docs:errors` after adding one)', () => {
  const doc = readFileSync(join(ROOT, 'docs/errors.md'), 'utf8');
  expect(doc).toBe(withErrorsTable(doc));
});

test('an error says what failed and what to do, with its parameters filled in', () => {
  const e = new CallstormError('CS_ERR_UNKNOWN_NAME', {
    what: 'stage',
    name: 'pilto',
    valid: 'pilot, scale',
  });
  expect(e.format()).toBe('CS_ERR_UNKNOWN_NAME: unknown stage "pilto"\n  fix: valid names: pilot, scale');
  expect(e.exitCode).toBe(2);
});
