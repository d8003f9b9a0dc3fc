import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { withErrorsTable } from '../src/errors/errors-table.ts';

// `npm run docs:errors`: regenerates the table in docs/errors.md from the error catalogue.
const path = fileURLToPath(new URL('../docs/errors.md', import.meta.url));
writeFileSync(path, withErrorsTable(readFileSync(path, 'utf8')));
process.stdout.write('updated docs/errors.md\n');
