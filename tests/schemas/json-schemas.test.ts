import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { renderJsonSchemas } from '../../src/schemas/json-schemas.ts';
import { ROOT } from '../helpers/run-cli.ts';

test('the JSON Schemas in schemas/ are current (run `npm run schemas` after changing a zod schema)', () => {
  for (const [file, text] of Object.entries(renderJsonSchemas())) {
    expect(readFileSync(join(ROOT, 'schemas', file), 'utf8'), `schemas/${file} is stale`).toBe(text);
  }
});
