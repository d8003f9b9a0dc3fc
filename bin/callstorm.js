#!/usr/bin/env node
// The published entry point. It runs the CLI compiled into dist/ (`npm run build`; `npm ci` runs it
// as `prepare`, and `npm test` / `npm start` refresh it) when that build is of exactly the sources
// on disk, and the TypeScript sources through tsx otherwise, so a stale build never runs against
// newer sources. CALLSTORM_FROM_SOURCE=1 always runs the sources (children inherit it).
import { fileURLToPath } from 'node:url';
import { buildIsCurrent } from './build-freshness.js';

const root = fileURLToPath(new URL('..', import.meta.url));
if (process.env.CALLSTORM_FROM_SOURCE !== '1' && buildIsCurrent(root)) {
  // Stack traces of the compiled code point into the sources (the build writes source maps).
  if (process.env.CALLSTORM_DEBUG) process.setSourceMapsEnabled(true);
  await import('../dist/cli/main.js');
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import('../src/cli/main.ts');
}
