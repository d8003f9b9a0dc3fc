import { expect, test } from 'vitest';
import { TtsSynthesiser } from '../../../simulators/dependencies/tts-synthesiser.ts';
import { rmsDbfs } from '../../../src/audio/pcm16.ts';

test('audio lasts as long as the words take at 160 words a minute, slower or faster with speed', () => {
  const tts = new TtsSynthesiser({ seed: 1 });
  const text = 'Thanks Aisha, I have found your account. How can I help you today?';
  const s = tts.synthesise(text, 'a');
  // 13 words.
  expect(s.audioMs).toBe(Math.round((13 * 60_000) / 160));
  expect(s.ttfbMs).toBeGreaterThan(0);
  expect(tts.synthesise(text, 'a', 2).audioMs).toBe(Math.round(s.audioMs / 2));
});

test('latency can be zeroed', () => {
  const s = new TtsSynthesiser({ seed: 1, latency: false }).synthesise('Goodbye.', 'b');
  expect(s.ttfbMs).toBe(0);
  expect(s.chunkIntervalMs).toBe(0);
});

test('renders speech-like audio of the exact length, the same for the same text', () => {
  const tts = new TtsSynthesiser({ seed: 1 });
  const text = 'I can set that up for you, starting next Monday.';
  const a = tts.render(text, { sampleRate: 16_000, audioMs: 3000 });
  expect(a.length).toBe(48_000);
  expect(tts.render(text, { sampleRate: 16_000, audioMs: 3000 })).toEqual(a);
  expect(rmsDbfs(a)).toBeGreaterThan(-30);
});
