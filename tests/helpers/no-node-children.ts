// Setup file of the unit project: starting a real component fails with where the test belongs —
// a Node process (the CLI, simulators or an agent in a child process, a fixture script), a
// toxiproxy-server, Chromium, or a program from one of the project's Python venvs (the example
// agent, the Pipecat bot). Those are end-to-end tests. Tools used as libraries (espeak-ng
// rendering a WAV, mkfifo, /bin/sh for a process-group fixture) may still be started.
import childProcess from 'node:child_process';
import { syncBuiltinESMExports } from 'node:module';
import { basename } from 'node:path';

const REAL_COMPONENTS = new Set(['node', 'toxiproxy-server', 'chromium', 'chromium-browser']);
const isNode = (command: unknown) =>
  typeof command === 'string' &&
  (command === process.execPath ||
    REAL_COMPONENTS.has(basename(command)) ||
    /\/\.venv-[^/]+\//.test(command));

for (const name of ['spawn', 'spawnSync', 'execFile', 'execFileSync', 'fork'] as const) {
  const original = childProcess[name] as (...args: unknown[]) => unknown;
  const guarded = (...args: unknown[]) => {
    if (name === 'fork' || isNode(args[0])) {
      throw new Error(
        `a unit test started a real component (${name} ${String(args[0])}): name the test file *.e2e.test.ts to put it in the e2e project`,
      );
    }
    return original(...args);
  };
  (childProcess as unknown as Record<string, unknown>)[name] = guarded;
}
syncBuiltinESMExports();
