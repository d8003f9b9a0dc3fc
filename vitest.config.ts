import { defineConfig } from 'vitest/config';

/**
 * Two projects (`npm test` runs both): `unit`, the tests that run in this process, and `e2e`, the
 * tests that start callstorm or another Node process (`*.e2e.test.ts`: the CLI spawned as
 * bin/callstorm.js, simulators or agents in child processes, whole runs). `npm run test:unit` and
 * `npm run test:e2e` run one each. A unit test that starts a Node process fails, saying so
 * (tests/helpers/no-node-children.ts); the e2e project first brings the build in dist/ up to date
 * (tests/helpers/build-cli.ts), so the CLI it spawns is the compiled one users run.
 */
export default defineConfig({
  test: {
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: ['tests/**/*.test.ts'],
          exclude: ['tests/**/*.e2e.test.ts'],
          setupFiles: ['tests/helpers/fast-check-seed.ts', 'tests/helpers/no-node-children.ts'],
        },
      },
      {
        extends: true,
        test: {
          name: 'e2e',
          include: ['tests/**/*.e2e.test.ts'],
          globalSetup: ['tests/helpers/build-cli.ts'],
          setupFiles: ['tests/helpers/fast-check-seed.ts'],
        },
      },
    ],
  },
});
