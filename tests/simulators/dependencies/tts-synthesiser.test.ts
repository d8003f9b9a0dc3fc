import { expect, test } from 'vitest';
import { TtsSynthesiser } from '../../../simulators/dependencies/tts-synthesiser.ts';

test('audio lasts as long as the words take at 160 words a minute', () => {
  const tts = new TtsSynthesiser({ seed: 1 });
  const s = tts.synthesise('Thanks Aisha, I have found your account. How can I help you today?', 'a');
  // 13 words.
  expect(s.audioMs).toBe(Math.round((13 * 60_000) / 160));
  expect(s.bytes).toBe(s.audioMs * 8);
  expect(s.chunks.reduce((a, b) => a + b, 0)).toBe(s.bytes);
  expect(s.ttfbMs).toBeGreaterThan(0);
});

test('latency can be zeroed', () => {
  const s = new TtsSynthesiser({ seed: 1, latency: false }).synthesise('Goodbye.', 'b');
  expect(s.ttfbMs).toBe(0);
  expect(s.chunkIntervalMs).toBe(0);
});
