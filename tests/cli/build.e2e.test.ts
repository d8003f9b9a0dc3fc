import { spawnSync } from 'node:child_process';
import {
  cpSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, expect, test } from 'vitest';
import { buildIsCurrent } from '../../bin/build-freshness.js';
import { BuildRuleError, buildCli } from '../../scripts/build.ts';
import { ROOT } from '../helpers/run-cli.ts';

/** A copy of the package (sources, scenarios, bin, scripts; node_modules linked) to build and break. */
let copy: string;

beforeAll(() => {
  copy = mkdtempSync(join(tmpdir(), 'callstorm-build-'));
  for (const entry of ['src', 'simulators', 'mocks', 'agent', 'scenarios', 'bin', 'scripts']) {
    cpSync(join(ROOT, entry), join(copy, entry), { recursive: true });
  }
  for (const file of ['package.json', 'tsconfig.json']) cpSync(join(ROOT, file), join(copy, file));
  symlinkSync(join(ROOT, 'node_modules'), join(copy, 'node_modules'));
});

const version = (env: NodeJS.ProcessEnv = {}) => {
  const r = spawnSync(process.execPath, [join(copy, 'bin/callstorm.js'), '--version'], {
    encoding: 'utf8',
    env: { ...process.env, CALLSTORM_FROM_SOURCE: '', ...env },
  });
  expect(r.stderr).toBe('');
  return r.stdout.trim();
};

const edit = (path: string, from: string, to: string) => {
  const full = join(copy, path);
  const text = readFileSync(full, 'utf8');
  expect(text).toContain(from);
  writeFileSync(full, text.replace(from, to));
};

/** Marks the build's own copy of the version (in the start-up chunk), so a start shows whether the build ran. */
function markBuild(from: string, to: string): void {
  edit('dist/cli/main.js', `CALLSTORM_VERSION = "${from}"`, `CALLSTORM_VERSION = "${to}"`);
}

test('the bin runs the build while it matches the sources, and the sources once one of them changes', async () => {
  expect(buildIsCurrent(copy)).toBe(false);
  expect(version()).toBe('0.1.0'); // no build yet: the sources through tsx
  const first = await buildCli({ root: copy });
  expect(first.built).toBe(true);
  expect(buildIsCurrent(copy)).toBe(true);
  expect((await buildCli({ root: copy, ifStale: true })).built).toBe(false);

  markBuild('0.1.0', '0.1.0-build');
  expect(version()).toBe('0.1.0-build');
  expect(version({ CALLSTORM_FROM_SOURCE: '1' })).toBe('0.1.0');

  // A touched source with the same content keeps the build; an edited one does not.
  const program = join(copy, 'src/cli/program.ts');
  utimesSync(program, new Date(), new Date(Date.now() + 5_000));
  expect(buildIsCurrent(copy)).toBe(true);
  edit('src/cli/program.ts', "CALLSTORM_VERSION = '0.1.0'", "CALLSTORM_VERSION = '0.2.0'");
  expect(buildIsCurrent(copy)).toBe(false);
  expect(version()).toBe('0.2.0'); // the stale build (0.1.0-build) never runs

  expect((await buildCli({ root: copy, ifStale: true })).built).toBe(true);
  markBuild('0.2.0', '0.2.0-build');
  expect(version()).toBe('0.2.0-build');

  // A deleted source, or a damaged build manifest, also means the sources run.
  writeFileSync(join(copy, 'dist/build.json'), '{"sources": ');
  expect(buildIsCurrent(copy)).toBe(false);
  expect(version()).toBe('0.2.0');
  await buildCli({ root: copy });
  rmSync(join(copy, 'src/cli/lazy-action.ts'));
  expect(buildIsCurrent(copy)).toBe(false);
  cpSync(join(ROOT, 'src/cli/lazy-action.ts'), join(copy, 'src/cli/lazy-action.ts'));
});

test('the build refuses import.meta outside src/<area>/ and a package in the start-up chunk', async () => {
  const program = readFileSync(join(copy, 'src/cli/program.ts'), 'utf8');
  try {
    writeFileSync(join(copy, 'src/where-am-i.ts'), 'export const HERE = import.meta.url;\n');
    writeFileSync(join(copy, 'src/cli/program.ts'), `import '../where-am-i.ts';\n${program}`);
    await expect(buildCli({ root: copy })).rejects.toThrow(BuildRuleError);
    await expect(buildCli({ root: copy })).rejects.toThrow('import.meta in src/where-am-i.ts');

    writeFileSync(join(copy, 'src/cli/program.ts'), `import 'zod';\n${program}`);
    await expect(buildCli({ root: copy })).rejects.toThrow("the CLI's start-up chunk imports zod");
    // The build that was there stays.
    expect(readdirSync(join(copy, 'dist/cli')).some((f) => f === 'main.js')).toBe(true);
  } finally {
    writeFileSync(join(copy, 'src/cli/program.ts'), program);
  }
});

test('every command the CLI starts with loads from the build in dist/ of this checkout', () => {
  // The e2e project's global setup built it: the CLI these tests spawn is the compiled one.
  expect(buildIsCurrent(ROOT)).toBe(true);
  const r = spawnSync(process.execPath, [join(ROOT, 'bin/callstorm.js'), 'validate', '--help'], {
    encoding: 'utf8',
  });
  expect(r.status).toBe(0);
  expect(r.stdout).toContain('Usage: callstorm validate');
});
