import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BUILTIN_SCENARIOS_DIR } from '../scenario/scenario-files.ts';
import { renderJsonSchemas } from './json-schemas.ts';

// `npm run schemas`: regenerates schemas/*.schema.json from the zod schemas.
const dir = join(BUILTIN_SCENARIOS_DIR, '..', 'schemas');
for (const [file, text] of Object.entries(renderJsonSchemas())) {
  writeFileSync(join(dir, file), text);
  process.stdout.write(`wrote schemas/${file}\n`);
}
