import fc from 'fast-check';
import { expect, test } from 'vitest';
import {
  BYTES_PER_MS,
  decodeUtteranceId,
  encodeUtteranceAudio,
  utteranceAudioBytes,
} from '../../../simulators/callers/utterance-audio.ts';

test('utterance audio carries its id and lasts the utterance duration (μ-law 8 kHz)', () => {
  fc.assert(
    fc.property(fc.string({ minLength: 1, maxLength: 60 }), fc.integer({ min: 0, max: 30_000 }), (id, ms) => {
      const bytes = Buffer.from(encodeUtteranceAudio(id, ms), 'base64');
      expect(decodeUtteranceId(bytes)).toBe(id);
      expect(Math.abs(bytes.length - ms * BYTES_PER_MS)).toBeLessThanOrEqual(
        Math.max(3, 5 + Buffer.byteLength(id) + 3),
      );
      expect(utteranceAudioBytes(id, ms).equals(bytes)).toBe(true);
    }),
    { seed: 3 },
  );
  expect(decodeUtteranceId(Buffer.alloc(800, 0xff))).toBeNull();
});
