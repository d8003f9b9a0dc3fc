import { buildCli } from '../../scripts/build.ts';

/** Global setup of the e2e project: the build in dist/ brought up to date before any test spawns the CLI. */
export default async function setup(): Promise<void> {
  const r = await buildCli({ ifStale: true });
  if (r.built) process.stdout.write(`e2e: built dist/cli (${r.sources} sources, ${r.ms.toFixed(0)} ms)\n`);
}
