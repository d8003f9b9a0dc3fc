import { spawnSync } from 'node:child_process';
import { expect, test } from 'vitest';
import { pcm16FromBytes } from '../../src/audio/pcm16.ts';
import { encodeWav, parseWav } from '../../src/audio/wav.ts';
import { isCallstormError } from '../../src/errors/callstorm-error.ts';

test('a WAV it writes parses back to the same audio, in each encoding', () => {
  for (const encoding of ['linear16', 'mulaw', 'alaw'] as const) {
    const data = Uint8Array.from({ length: 801 }, (_, i) => (i * 7) % 256);
    const parsed = parseWav(encodeWav({ encoding, sampleRate: 8000, channels: 1, data }));
    expect(parsed.encoding).toBe(encoding);
    expect(parsed.sampleRate).toBe(8000);
    expect(parsed.channels).toBe(1);
    expect([...parsed.data]).toEqual([...data]);
  }
});

test("reads espeak-ng's streamed WAV (unknown data size) as speech at its rate", () => {
  const r = spawnSync('espeak-ng', ['-v', 'en-gb', '--stdout', 'Hello, I am calling about my account.']);
  expect(r.status, 'espeak-ng must be installed (scripts/setup-speech.sh)').toBe(0);
  const wav = parseWav(new Uint8Array(r.stdout), 'espeak-ng output');
  expect(wav.encoding).toBe('linear16');
  expect(wav.sampleRate).toBe(22050);
  const samples = pcm16FromBytes(wav.data);
  expect(samples.length / wav.sampleRate).toBeGreaterThan(1);
  expect(Math.max(...samples.map(Math.abs))).toBeGreaterThan(3000);
});

test('bad bytes are a named error, not a crash', () => {
  try {
    parseWav(new TextEncoder().encode('not a wav at all'), 'caller.wav');
    expect.unreachable();
  } catch (error) {
    expect(isCallstormError(error)).toBe(true);
    expect(String((error as Error).message)).toContain('caller.wav');
  }
});
