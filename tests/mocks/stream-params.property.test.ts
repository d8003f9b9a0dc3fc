import fc from 'fast-check';
import { expect, test } from 'vitest';
import { parseListenParams } from '../../mocks/deepgram-listen-params.ts';
import { parseSpeakFormat } from '../../mocks/tts-audio-format.ts';

const KEYS = [
  'encoding',
  'sample_rate',
  'channels',
  'interim_results',
  'endpointing',
  'utterance_end_ms',
  'vad_events',
  'punctuate',
  'container',
  'model',
  'zzz',
];
const query = fc
  .array(
    fc.tuple(
      fc.constantFrom(...KEYS),
      fc.oneof(
        fc.string(),
        fc.constantFrom('true', 'false', 'linear16', 'mulaw', 'wav', '8000', '16000', '0', '-1', '1e3'),
      ),
    ),
    { maxLength: 8 },
  )
  .map((pairs) => new URLSearchParams(pairs));

test('any query is either accepted or refused with a message naming the parameter; never a throw', () => {
  fc.assert(
    fc.property(query, (q) => {
      const listen = parseListenParams(q);
      if (listen.ok) {
        expect([undefined, 'linear16', 'mulaw', 'alaw']).toContain(listen.params.encoding);
        if (listen.params.encoding) expect(listen.params.sampleRate).toBeGreaterThanOrEqual(8000);
        expect(listen.params.unknown.every((k) => k === 'zzz' || k === 'container')).toBe(true);
      } else {
        expect(listen.message).toMatch(
          /encoding|sample_rate|channels|interim_results|endpointing|utterance_end_ms|vad_events|punctuate|multichannel/,
        );
      }
      for (const socket of [false, true]) {
        const speak = parseSpeakFormat(q, socket);
        if (speak.ok) {
          expect(speak.format.sampleRate).toBeGreaterThanOrEqual(8000);
          expect(speak.format.sampleRate).toBeLessThanOrEqual(48_000);
          if (socket) expect(speak.format.container).toBe('none');
        } else expect(speak.message).toMatch(/encoding|sample_rate|container/);
      }
    }),
  );
});

test("the defaults are Deepgram's, except callstorm's μ-law default for a bare POST /v1/speak", () => {
  const listen = parseListenParams(new URLSearchParams());
  expect(listen).toMatchObject({
    ok: true,
    params: { endpointingMs: 10, interimResults: false, channels: 1 },
  });
  expect(parseSpeakFormat(new URLSearchParams())).toEqual({
    ok: true,
    format: { encoding: 'mulaw', sampleRate: 8000, container: 'none' },
  });
  expect(parseSpeakFormat(new URLSearchParams('encoding=linear16'))).toEqual({
    ok: true,
    format: { encoding: 'linear16', sampleRate: 24_000, container: 'wav' },
  });
  expect(parseSpeakFormat(new URLSearchParams(), true)).toEqual({
    ok: true,
    format: { encoding: 'linear16', sampleRate: 24_000, container: 'none' },
  });
});
