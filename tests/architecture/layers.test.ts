import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, test } from 'vitest';

/**
 * The layers, lowest first. A file may import from its own layer or a lower one, never a higher
 * one: behaviour (`simulators/`) knows nothing of wire formats (`mocks/`), wire formats know
 * nothing of how a suite is composed and run, and nothing below the CLI imports the CLI.
 */
const LAYERS: readonly { readonly name: string; readonly roots: readonly string[] }[] = [
  { name: 'foundation', roots: ['src/errors', 'src/scenario', 'src/util', 'src/audio'] },
  { name: 'behaviour (simulators/)', roots: ['simulators'] },
  { name: 'wire formats (mocks/)', roots: ['mocks'] },
  { name: 'composition, driver, chaos, slo, report, agent', roots: ['src', 'agent'] },
  { name: 'cli', roots: ['src/cli'] },
];

const ROOT = normalize(join(dirname(fileURLToPath(import.meta.url)), '../..'));
const SCANNED = ['src', 'simulators', 'mocks', 'agent'];

/** The layer of a repository-relative path: the one with the longest matching root. */
function layerOf(path: string): number {
  let best = -1;
  let bestLength = -1;
  LAYERS.forEach((layer, index) => {
    for (const root of layer.roots) {
      if ((path === root || path.startsWith(`${root}/`)) && root.length > bestLength) {
        best = index;
        bestLength = root.length;
      }
    }
  });
  return best;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(join(ROOT, dir), { withFileTypes: true }).flatMap((entry) => {
    const path = `${dir}/${entry.name}`;
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

/** Relative specifiers of static imports and re-exports, and of dynamic `import('…')`. */
function importsOf(text: string): string[] {
  const found: string[] = [];
  const patterns = [
    /^\s*(?:import|export)\s[^;]*?\sfrom\s+['"]([^'"]+)['"]/gms,
    /^\s*import\s+['"]([^'"]+)['"]/gm,
    /\bimport\(\s*['"]([^'"]+)['"]\s*\)/g,
  ];
  for (const pattern of patterns) for (const m of text.matchAll(pattern)) found.push(m[1]!);
  return found.filter((s) => s.startsWith('.'));
}

function violations(): string[] {
  const out: string[] = [];
  for (const file of SCANNED.flatMap(sourceFiles)) {
    const from = layerOf(file);
    for (const specifier of importsOf(readFileSync(join(ROOT, file), 'utf8'))) {
      const target = relative(ROOT, join(ROOT, dirname(file), specifier))
        .split('\\')
        .join('/');
      const to = layerOf(target);
      if (to > from) out.push(`${file} imports ${target}: ${LAYERS[from]!.name} ← ${LAYERS[to]!.name}`);
    }
  }
  return out;
}

test('imports run one way: foundation ← simulators/ ← mocks/ ← composition and the rest ← cli', () => {
  expect(violations()).toEqual([]);
});

test('the scan sees the imports it judges (a known downward import is found)', () => {
  const text = readFileSync(join(ROOT, 'mocks/crm-handlers.ts'), 'utf8');
  expect(importsOf(text)).toContain('../simulators/dependencies/crm-service.ts');
  expect(layerOf('simulators/dependencies/crm-service.ts')).toBe(1);
  expect(layerOf('mocks/crm-handlers.ts')).toBe(2);
  expect(layerOf('src/simulation/start-simulators.ts')).toBe(3);
  expect(layerOf('src/cli/main.ts')).toBe(4);
  expect(layerOf('src/scenario/crm-operations.ts')).toBe(0);
  // The shapes of import the scan must recognise, including a multi-line one and a dynamic one.
  expect(
    importsOf(
      `import {\n  a,\n  b,\n} from '../x.ts';\nexport type { C } from './c.ts';\nawait import('../d.ts');\nimport './e.ts';`,
    ),
  ).toEqual(['../x.ts', './c.ts', './e.ts', '../d.ts']);
});
