import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe } from 'vitest';
import { ROOT } from './run-cli.ts';

export const IN_CI = process.env.CI === 'true' || process.env.CI === '1';
export const ESPEAK_INSTALLED = spawnSync('espeak-ng', ['--version'], { stdio: 'ignore' }).status === 0;

/**
 * Tests that render caller speech with the real espeak-ng. Locally, without it, they are skipped
 * with a message; in CI they run and fail, because a missing espeak-ng is a broken CI machine.
 */
export const describeWithEspeak = ESPEAK_INSTALLED || IN_CI ? describe : describe.skip;
if (!ESPEAK_INSTALLED && !IN_CI) {
  process.stderr.write(
    'skipping the caller-speech tests: espeak-ng is not installed (run `bash scripts/setup-speech.sh`)\n',
  );
}

/**
 * The speech cache the tests share (kept between runs, so only the first run synthesises): under
 * test-artifacts/, which git and the linter ignore. Child processes inherit it via the environment.
 */
export const TEST_SPEECH_CACHE = join(ROOT, 'test-artifacts', 'speech-cache');
process.env['CALLSTORM_SPEECH_CACHE'] = TEST_SPEECH_CACHE;
