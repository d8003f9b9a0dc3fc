import fc from 'fast-check';
import { expect, test } from 'vitest';
import { utteranceAudioBytes } from '../../../simulators/callers/utterance-audio.ts';
import { TaggedLinker } from '../../../simulators/dependencies/tagged-linker.ts';
import { UtteranceTagScanner } from '../../../simulators/dependencies/utterance-tag-scanner.ts';
import { mulawToPcm } from '../../../src/audio/g711.ts';
import { resample } from '../../../src/audio/resampler.ts';
import { concat, gain } from '../../fixtures/stream-audio.ts';

const tagged = (id: string, ms: number) => new Uint8Array(utteranceAudioBytes(id, ms));

test('finds every tag in a μ-law stream however it is chunked', () => {
  fc.assert(
    fc.property(
      fc.array(fc.tuple(fc.integer({ min: 0, max: 400 }), fc.integer({ min: 0, max: 99 })), {
        minLength: 1,
        maxLength: 5,
      }),
      fc.array(fc.integer({ min: 1, max: 700 }), { minLength: 1, maxLength: 20 }),
      (utterances, cuts) => {
        const parts: Uint8Array[] = [];
        const expected: { utteranceId: string; sample: number }[] = [];
        let at = 0;
        utterances.forEach(([gap, n], i) => {
          parts.push(new Uint8Array(gap).fill(0xff));
          at += gap;
          const id = `cs-3-${n}.u${i}`;
          expected.push({ utteranceId: id, sample: at });
          const audio = tagged(id, 40);
          parts.push(audio);
          at += audio.length;
        });
        const stream = Buffer.concat(parts);
        const scanner = new UtteranceTagScanner();
        const found = [];
        let from = 0;
        for (let i = 0; from < stream.length; i++) {
          const size = cuts[i % cuts.length]!;
          found.push(...scanner.pushMulaw(stream.subarray(from, from + size)));
          from += size;
        }
        expect(found).toEqual(expected);
      },
    ),
  );
});

function link(samples: Int16Array, rate = 8000, chunk = 160) {
  const segment = new TaggedLinker().segment({ sampleRate: rate, streamId: 's' });
  const decisions = [];
  for (let at = 0; at < samples.length; at += chunk)
    decisions.push(segment.push(samples.subarray(at, at + chunk)));
  return { decisions, end: segment.end() };
}

test('links tagged audio decoded to PCM16 at 8 kHz, with how far into the utterance it is', () => {
  // 30 ms of pre-roll silence, then the utterance (1 s).
  const samples = concat(new Int16Array(240), mulawToPcm(tagged('cs-9-4.u2', 1000)));
  const { decisions, end } = link(samples);
  expect(decisions[0]).toEqual({ status: 'pending' });
  expect(decisions[1]).toMatchObject({ status: 'linked', utteranceId: 'cs-9-4.u2', confidence: 1 });
  expect(end).toMatchObject({ status: 'linked', utteranceId: 'cs-9-4.u2', confidence: 1 });
  // The whole utterance (its audio is padded to whole base64 groups: a byte or two more).
  expect(end.status === 'linked' && end.offsetMs).toBeCloseTo(1000, 0);
});

test('says it cannot tell when the tag did not survive: resampled, gain-changed or absent', () => {
  const audio = mulawToPcm(tagged('cs-9-4.u2', 1000));
  expect(link(resample(audio, 8000, 16_000), 16_000, 320).end).toEqual({
    status: 'unknown',
    reason: 'no-tag',
  });
  expect(link(gain(audio, -6)).end).toEqual({ status: 'unknown', reason: 'no-tag' });
  expect(link(new Int16Array(8000)).end).toEqual({ status: 'unknown', reason: 'no-tag' });
  const { decisions } = link(new Int16Array(8000));
  // Once past its search window it stops saying "pending".
  expect(decisions[decisions.length - 1]).toEqual({ status: 'unknown', reason: 'no-tag' });
});

test('a tag that does not name an utterance is unknown, not some other call', () => {
  const bogus = Buffer.concat([
    Buffer.from('CSU1'),
    Buffer.from([7]),
    Buffer.from('garbage'),
    Buffer.alloc(800, 0xff),
  ]);
  expect(link(mulawToPcm(new Uint8Array(bogus))).end).toEqual({ status: 'unknown', reason: 'malformed-tag' });
});
