import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { createCallGenerator } from '../../simulators/callers/call-generator.ts';
import { utteranceAudio } from '../../simulators/callers/caller-audio.ts';
import { SpeechCache } from '../../simulators/callers/speech-cache.ts';
import { SpeechRenderer } from '../../simulators/callers/speech-renderer.ts';
import { parseWav } from '../../src/audio/wav.ts';
import { loadScenario } from '../../src/scenario/load-scenario.ts';
import { describeWithEspeak, TEST_SPEECH_CACHE } from '../helpers/espeak-for-tests.ts';
import { BIN, runCli } from '../helpers/run-cli.ts';

const SPEAK = [
  'speak',
  '--vertical',
  'collections',
  '--stage',
  'scale',
  '--window',
  'peak-hour',
  '--seed',
  '1',
];

function speak(
  args: string[],
  env: NodeJS.ProcessEnv,
): Promise<{ code: number; stdout: Buffer; stderr: string }> {
  const child = spawn(process.execPath, [BIN, ...SPEAK, ...args], { env: { ...process.env, ...env } });
  const out: Buffer[] = [];
  let stderr = '';
  child.stdout.on('data', (b: Buffer) => out.push(b));
  child.stderr.on('data', (b: Buffer) => {
    stderr += b.toString('utf8');
  });
  return once(child, 'exit').then(([code]) => ({ code: code as number, stdout: Buffer.concat(out), stderr }));
}

describeWithEspeak('callstorm speak', () => {
  test('renders one utterance exactly as a run plays it, as WAV or μ-law; two processes on one cold cache agree', async () => {
    const cache = mkdtempSync(join(tmpdir(), 'callstorm-speak-cache-'));
    const out = mkdtempSync(join(tmpdir(), 'callstorm-speak-'));
    const env = { CALLSTORM_SPEECH_CACHE: cache };
    const [a, b] = await Promise.all([
      speak(['--call', 'cs-1-7', '--utterance', '1', '--format', 'mulaw', '--out', '-'], env),
      speak(['--call', 'cs-1-7', '--utterance', '1', '--format', 'mulaw', '--out', '-'], env),
    ]);
    expect(a.code, a.stderr).toBe(0);
    expect(b.code, b.stderr).toBe(0);
    expect(a.stdout.equals(b.stdout)).toBe(true);
    const files = readdirSync(cache, { recursive: true, withFileTypes: true }).filter((f) => f.isFile());
    expect(files.map((f) => f.name).every((n) => /^[0-9a-f]{64}\.wav$/.test(n))).toBe(true);
    expect(files.length).toBe(1);
    expect(a.stderr).toMatch(/^cs-1-7\.u1: ".+"\n {2}voice en-[a-z0-9-]+\+[mf]\d/);

    // The same bytes the driver sends for that turn in a `--caller-audio speech` run.
    const scenario = loadScenario({ vertical: 'collections', stage: 'scale' });
    const plan = createCallGenerator(scenario, { seed: 1, window: 'peak-hour' }).planAt(7)!;
    const renderer = new SpeechRenderer({ population: scenario.population, cache: new SpeechCache(cache) });
    const payload = await utteranceAudio(plan, plan.turns[1]!, renderer);
    expect(Buffer.from(payload.base64, 'base64').equals(a.stdout)).toBe(true);

    const wavFile = join(out, 'u.wav');
    // The same cache as above (not the tests' shared one, which is cold on a fresh machine).
    const wav = await speak(
      ['--call', 'cs-1-7', '--utterance', '1', '--rate', '16000', '--out', wavFile],
      env,
    );
    expect(wav.code, wav.stderr).toBe(0);
    expect(wav.stderr).toMatch(/from the speech cache/);
    const parsed = parseWav(readFileSync(wavFile));
    expect(parsed).toMatchObject({ encoding: 'linear16', sampleRate: 16_000, channels: 1 });
    expect(Math.abs(parsed.data.length / 2 / 16 - payload.speechMs)).toBeLessThanOrEqual(1);
  }, 120_000);

  test('a call, utterance, format or rate that does not exist is a usage error (exit 2)', () => {
    const out = join(mkdtempSync(join(tmpdir(), 'callstorm-speak-')), 'x.wav');
    const cases: [string[], RegExp][] = [
      [['--call', 'cs-9-1', '--utterance', '0'], /CS_ERR_UNKNOWN_CALL/],
      [['--call', 'cs-1-999999', '--utterance', '0'], /CS_ERR_UNKNOWN_CALL/],
      [['--call', 'cs-1-7', '--utterance', '40'], /--utterance: "40": call cs-1-7 has utterances 0 to \d/],
      [['--call', 'cs-1-7', '--utterance', '0', '--format', 'mp3'], /--format/],
      [['--call', 'cs-1-7', '--utterance', '0', '--rate', '100'], /--rate/],
    ];
    for (const [args, message] of cases) {
      const r = runCli([...SPEAK, ...args, '--out', out], {});
      expect(r.code, r.stderr).toBe(2);
      expect(r.stderr).toMatch(message);
      expect(r.stderr).not.toMatch(/\n\s+at /);
    }
  }, 240_000);
});

test('the speech cache is where CALLSTORM_SPEECH_CACHE says (the tests keep theirs under test-artifacts/)', () => {
  expect(new SpeechCache().dir).toBe(TEST_SPEECH_CACHE);
});

test('without espeak-ng, speech fails with CS_ERR_SPEECH_UNAVAILABLE and what to do (exit 1)', async () => {
  const out = join(mkdtempSync(join(tmpdir(), 'callstorm-speak-')), 'x.wav');
  const r = await speak(['--call', 'cs-1-7', '--utterance', '0', '--out', out], {
    CALLSTORM_ESPEAK: '/nonexistent/espeak-ng',
  });
  expect(r.code).toBe(1);
  expect(r.stderr).toMatch(
    /^CS_ERR_SPEECH_UNAVAILABLE: cannot render caller speech: \/nonexistent\/espeak-ng is not installed/,
  );
  expect(r.stderr).toMatch(/setup-speech\.sh/);
  expect(r.stderr).not.toMatch(/\n\s+at /);
}, 120_000);
