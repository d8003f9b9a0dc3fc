import { existsSync, readdirSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CallstormError } from '../errors/callstorm-error.ts';

/** The folder callstorm is installed in (the same from the sources and from the build in dist/cli/). */
export const PACKAGE_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

/** The scenarios shipped with callstorm. */
export const BUILTIN_SCENARIOS_DIR = join(PACKAGE_ROOT, 'scenarios');

export type ScenarioFolder =
  | 'verticals'
  | 'stages'
  | 'populations'
  | 'drills'
  | 'slos'
  | 'gates'
  | 'prices'
  | 'reviews';

const NOUN: Record<ScenarioFolder, string> = {
  verticals: 'vertical',
  stages: 'stage',
  populations: 'population',
  drills: 'drill',
  slos: 'SLO set',
  gates: 'gate',
  prices: 'price list',
  reviews: 'review plan',
};

export function builtinNames(folder: ScenarioFolder, root = BUILTIN_SCENARIOS_DIR): string[] {
  const dir = join(root, folder);
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => f.endsWith('.yaml') || f.endsWith('.yml'))
    .map((f) => basename(f).replace(/\.ya?ml$/, ''))
    .sort();
}

/**
 * Resolves `collections` to the shipped `scenarios/verticals/collections.yaml`, and a path
 * (anything with a slash or a .yaml suffix) to itself.
 */
export function isPath(nameOrPath: string): boolean {
  return nameOrPath.includes('/') || /\.ya?ml$/.test(nameOrPath);
}

export function resolveScenarioFile(
  folder: ScenarioFolder,
  nameOrPath: string,
  root = BUILTIN_SCENARIOS_DIR,
): string {
  if (isPath(nameOrPath)) {
    if (!existsSync(nameOrPath))
      throw new CallstormError('CS_ERR_FILE_NOT_FOUND', { path: nameOrPath, reason: 'no such file' });
    return nameOrPath;
  }
  for (const ext of ['.yaml', '.yml']) {
    const candidate = join(root, folder, nameOrPath + ext);
    if (existsSync(candidate)) return candidate;
  }
  throw new CallstormError('CS_ERR_UNKNOWN_NAME', {
    what: NOUN[folder],
    name: nameOrPath,
    valid: builtinNames(folder, root).join(', ') || '(none shipped)',
  });
}
