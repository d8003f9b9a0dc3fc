// Whether dist/ holds a build of exactly the sources on disk (plain JavaScript: bin/callstorm.js
// asks before it loads anything else, so it must not need tsx). scripts/build.ts writes
// dist/build.json with the size, mtime and SHA-256 of every source file the build read.
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

export const BUILD_DIR = 'dist';
export const BUILD_MANIFEST = 'build.json';

/**
 * True when `<root>/dist/build.json` exists and every source it lists is unchanged: same size and
 * mtime, or, when only the mtime moved (a checkout, a touch), the same content. A missing or
 * changed file, or an unreadable manifest, is false.
 * @param {string} root the package root
 * @returns {boolean}
 */
export function buildIsCurrent(root) {
  let sources;
  try {
    sources = JSON.parse(readFileSync(join(root, BUILD_DIR, BUILD_MANIFEST), 'utf8')).sources;
  } catch {
    return false;
  }
  if (!sources || typeof sources !== 'object') return false;
  for (const [file, want] of Object.entries(sources)) {
    const path = join(root, file);
    let stat;
    try {
      stat = statSync(path);
    } catch {
      return false;
    }
    if (stat.size !== want.size) return false;
    if (stat.mtimeMs === want.mtimeMs) continue;
    if (sha256(readFileSync(path)) !== want.sha256) return false;
  }
  return true;
}

/**
 * @param {Uint8Array} bytes
 * @returns {string}
 */
export function sha256(bytes) {
  // Loaded only when a file's mtime moved: most starts never hash.
  const { createHash } = process.getBuiltinModule('node:crypto');
  return createHash('sha256').update(bytes).digest('hex');
}
