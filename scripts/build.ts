import { readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build, type Metafile, type Plugin } from 'esbuild';
import { BUILD_DIR, BUILD_MANIFEST, buildIsCurrent, sha256 } from '../bin/build-freshness.js';

/**
 * `npm run build` (and `prepare`, which `npm ci` runs; `npm test` and `npm start` run it with
 * `--if-stale`): the CLI compiled into dist/cli/ by esbuild — one bundle split at every
 * `import()`, so each command's action is a chunk loaded when the command runs, and packages but
 * commander left to node_modules. Node then starts `callstorm` in a fraction of what tsx needs to transform the
 * sources on every start (and every child process the CLI spawns). bin/callstorm.js runs the
 * build only when dist/build.json lists exactly the sources on disk, and the sources through tsx
 * otherwise.
 *
 * Two rules keep the build equal to the sources, and the build fails when either breaks:
 * - Every chunk sits two folders below the package root (dist/cli/), as the sources that use
 *   `import.meta.url` do (src/<area>/<file>.ts): `new URL('../../scenarios', import.meta.url)`
 *   resolves to the same folder from both. A source elsewhere must not use `import.meta`.
 * - The start-up chunks (what `--version` and `--help` load) import no package from node_modules
 *   (commander is bundled): command actions are behind lazyAction (src/cli/lazy-action.ts).
 */

const ROOT = fileURLToPath(new URL('..', import.meta.url));
/**
 * Packages bundled in (every other one is loaded from node_modules): commander, which every start
 * loads, costs several times as much to load as Node's CommonJS than as part of the bundle.
 */
const BUNDLED_PACKAGES = new Set(['commander']);
/** What bundled CommonJS needs to `require()` Node's built-ins from an ES module. */
const REQUIRE_BANNER =
  "import { createRequire as __callstormCreateRequire } from 'node:module'; const require = __callstormCreateRequire(import.meta.url);";

/** `commander` of `commander/lib/x.js`, `@scope/name` of `@scope/name/x`. */
const packageOf = (specifier: string) =>
  specifier
    .split('/')
    .slice(0, specifier.startsWith('@') ? 2 : 1)
    .join('/');

/** Leaves every package but BUNDLED_PACKAGES to node_modules. */
const externalPackages: Plugin = {
  name: 'callstorm-external-packages',
  setup(b) {
    b.onResolve({ filter: /^[^./]/ }, (args) =>
      BUNDLED_PACKAGES.has(packageOf(args.path)) ? undefined : { path: args.path, external: true },
    );
  },
};

export interface BuildOptions {
  readonly root?: string;
  /** Do nothing when dist/ is a build of the sources on disk. */
  readonly ifStale?: boolean;
}

export interface BuildReport {
  readonly built: boolean;
  readonly ms: number;
  /** Source files in the bundle. */
  readonly sources: number;
  /** Bytes of JavaScript `callstorm --version` loads. */
  readonly startupBytes: number;
}

export class BuildRuleError extends Error {
  override readonly name = 'BuildRuleError';
}

const isProjectSource = (path: string) =>
  !path.startsWith('node_modules/') && !path.includes('/node_modules/');

/** Sources that use `import.meta` anywhere but two folders below the root. */
function misplacedImportMeta(root: string, inputs: readonly string[]): string[] {
  return inputs.filter(
    (path) => path.split('/').length !== 3 && /\bimport\.meta\b/.test(readFileSync(join(root, path), 'utf8')),
  );
}

/** The outputs `entry` loads statically, and the packages (not bundled) they import. */
function startupClosure(meta: Metafile, entry: string): { outputs: string[]; packages: string[] } {
  const seen = new Set<string>();
  const packages = new Set<string>();
  const visit = (out: string) => {
    if (seen.has(out)) return;
    seen.add(out);
    for (const imp of meta.outputs[out]?.imports ?? []) {
      if (imp.kind !== 'import-statement') continue;
      if (imp.external) {
        if (!imp.path.startsWith('node:')) packages.add(imp.path);
      } else visit(imp.path);
    }
  };
  visit(entry);
  return { outputs: [...seen], packages: [...packages] };
}

export async function buildCli(options: BuildOptions = {}): Promise<BuildReport> {
  const root = resolve(options.root ?? ROOT);
  const started = performance.now();
  if (options.ifStale && buildIsCurrent(root)) {
    return { built: false, ms: performance.now() - started, sources: 0, startupBytes: 0 };
  }
  const tmpName = `${BUILD_DIR}.tmp-${process.pid}-${Date.now()}`;
  const tmp = join(root, tmpName);
  try {
    const result = await build({
      absWorkingDir: root,
      // The caller-speech worker is started by file (src/driver/caller-speech-pool.ts): an entry of its own.
      entryPoints: [
        'src/cli/main.ts',
        { in: 'src/driver/caller-speech-worker.ts', out: 'caller-speech-worker' },
      ],
      outdir: join(tmpName, 'cli'),
      bundle: true,
      splitting: true,
      format: 'esm',
      platform: 'node',
      target: 'node20',
      plugins: [externalPackages],
      banner: { js: REQUIRE_BANNER },
      // As tsx runs the sources: function and class names survive (error names, logs).
      keepNames: true,
      sourcemap: 'linked',
      metafile: true,
      logLevel: 'silent',
    });
    const inputs = Object.keys(result.metafile.inputs).filter(isProjectSource);
    const misplaced = misplacedImportMeta(root, inputs);
    if (misplaced.length > 0) {
      throw new BuildRuleError(
        `import.meta in ${misplaced.join(', ')}: only sources two folders below the root (src/<area>/<file>.ts) may use it, since the build puts every chunk in dist/cli/. Take the path from a module that is (e.g. BUILTIN_SCENARIOS_DIR in src/scenario/scenario-files.ts).`,
      );
    }
    const entry = `${tmpName}/cli/main.js`;
    const startup = startupClosure(result.metafile, entry);
    const heavy = startup.packages;
    if (heavy.length > 0) {
      throw new BuildRuleError(
        `the CLI's start-up chunk imports ${heavy.join(', ')}: declare commands with cheap imports only and put the work behind lazyAction(() => import('./actions/<name>.ts')) (src/cli/lazy-action.ts)`,
      );
    }
    const tracked = [...inputs, 'scripts/build.ts'];
    const sources = Object.fromEntries(
      tracked.sort().map((path) => {
        const full = join(root, path);
        const stat = statSync(full);
        return [path, { size: stat.size, mtimeMs: stat.mtimeMs, sha256: sha256(readFileSync(full)) }];
      }),
    );
    const startupBytes = startup.outputs.reduce((a, o) => a + (result.metafile.outputs[o]?.bytes ?? 0), 0);
    writeFileSync(
      join(tmp, BUILD_MANIFEST),
      `${JSON.stringify({ builtAt: new Date().toISOString(), startupBytes, sources }, null, 1)}\n`,
    );
    // Swap the whole folder: a reader sees the old build, no build (and runs the sources), or the new one.
    rmSync(join(root, BUILD_DIR), { recursive: true, force: true });
    renameSync(tmp, join(root, BUILD_DIR));
    return { built: true, ms: performance.now() - started, sources: inputs.length, startupBytes };
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const ifStale = process.argv.includes('--if-stale');
  try {
    const r = await buildCli({ ifStale });
    if (r.built)
      process.stdout.write(
        `built ${BUILD_DIR}/cli: ${r.sources} sources, ${(r.startupBytes / 1024).toFixed(0)} kB at start-up, ${r.ms.toFixed(0)} ms\n`,
      );
  } catch (error) {
    process.stderr.write(`build failed: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  }
}
