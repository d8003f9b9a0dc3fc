// Setup file of the unit project: starting a Node process (the CLI, simulators or an agent in a
// child process, a fixture script) fails with where the test belongs. Other programs (espeak-ng,
// Toxiproxy, Chromium) may still be started.
import childProcess from 'node:child_process';
import { syncBuiltinESMExports } from 'node:module';
import { basename } from 'node:path';

const isNode = (command: unknown) =>
  typeof command === 'string' && (command === process.execPath || basename(command) === 'node');

for (const name of ['spawn', 'spawnSync', 'execFile', 'execFileSync', 'fork'] as const) {
  const original = childProcess[name] as (...args: unknown[]) => unknown;
  const guarded = (...args: unknown[]) => {
    if (name === 'fork' || isNode(args[0])) {
      throw new Error(
        `a unit test started a Node process (${name} ${String(args[0])}): name the test file *.e2e.test.ts to put it in the e2e project`,
      );
    }
    return original(...args);
  };
  (childProcess as unknown as Record<string, unknown>)[name] = guarded;
}
syncBuiltinESMExports();
