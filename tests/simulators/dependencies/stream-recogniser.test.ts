import { describe, expect, test } from 'vitest';
import { type FaultEffects, noEffects } from '../../../simulators/dependencies/faults/fault-effects.ts';
import { FaultSet } from '../../../simulators/dependencies/faults/fault-set.ts';
import { normaliseTranscript } from '../../../simulators/dependencies/normalise-transcript.ts';
import { renderSpeech } from '../../../simulators/dependencies/speech-synthesis.ts';
import type {
  StreamEvent,
  StreamResult,
  StreamSettings,
} from '../../../simulators/dependencies/stream-events.ts';
import { StreamRecogniser } from '../../../simulators/dependencies/stream-recogniser.ts';
import { StreamStats } from '../../../simulators/dependencies/stream-stats.ts';
import { TaggedLinker } from '../../../simulators/dependencies/tagged-linker.ts';
import type { LinkDecision, UtteranceLinker } from '../../../simulators/dependencies/utterance-linker.ts';
import { seeded } from '../../../simulators/seeded-random.ts';
import { fixturePlan, fixturePlans } from '../../fixtures/call-plans.ts';
import { simulatorWorld } from '../../fixtures/simulator-world.ts';
import { concat, frames, taggedCall } from '../../fixtures/stream-audio.ts';

const SETTINGS: StreamSettings = {
  endpointingMs: 10,
  interimResults: true,
  utteranceEndMs: 1000,
  vadEvents: true,
  punctuate: true,
};

function stream(
  world: ReturnType<typeof simulatorWorld>,
  options: {
    settings?: Partial<StreamSettings>;
    linker?: UtteranceLinker;
    effects?: (ctx: { cohort?: string }) => FaultEffects;
    latency?: false | { medianMs: number; p90Ms: number };
    rate?: number;
  } = {},
) {
  const stats = new StreamStats();
  const recogniser = new StreamRecogniser({
    streamId: 'stream-1',
    sampleRate: options.rate ?? 8000,
    recogniser: world.recogniser,
    linker: options.linker ?? new TaggedLinker(),
    settings: { ...SETTINGS, ...options.settings },
    seed: 3,
    latency: options.latency ?? false,
    effectsFor: options.effects ?? (() => noEffects()),
    stats,
  });
  return { recogniser, stats };
}

/** Streams the audio in 20 ms frames; the events with the stream time (ms) they came at. */
function play(r: StreamRecogniser, samples: Int16Array, rate = 8000): { at: number; e: StreamEvent }[] {
  const out: { at: number; e: StreamEvent }[] = [];
  let at = 0;
  for (const chunk of frames(samples, rate)) {
    at += (chunk.length * 1000) / rate;
    for (const e of r.push(chunk, at)) out.push({ at, e });
  }
  return out;
}

const results = (events: { e: StreamEvent }[]) =>
  events.map(({ e }) => e).filter((e): e is StreamResult => e.kind === 'results');
const finals = (events: { e: StreamEvent }[]) => results(events).filter((r) => r.isFinal);

describe('a tagged caller stream (the tagged linker)', () => {
  const plans = fixturePlans(2);
  const turns = plans[0]!.turns.slice(0, 3);

  test("sends interim prefixes while the caller speaks, then one speech-final final per utterance: the ground truth's transcript", () => {
    const world = simulatorWorld(plans);
    const { recogniser, stats } = stream(world);
    const { samples, placed } = taggedCall(turns);
    const events = play(recogniser, samples);
    const fin = finals(events);
    expect(fin).toHaveLength(3);
    placed.forEach((p, i) => {
      const f = fin[i]!;
      expect(f.speechFinal).toBe(true);
      expect(f.utteranceId).toBe(p.turn.id);
      expect(f.transcript).toBe(world.groundTruth.transcriptOf(p.turn.id)!.transcript);
      // The final covers the audio since the previous one, up to the endpoint: 110 ms after speech.
      expect(f.start + f.duration).toBeCloseTo(p.end / 8000 + 0.11, 1);
      // Words are in stream time, inside the utterance.
      expect(f.words[0]!.start).toBeGreaterThanOrEqual(p.start / 8000);
      expect(f.words[f.words.length - 1]!.end).toBeLessThanOrEqual(p.end / 8000 + 0.01);
      // Interims before it are growing prefixes of the final transcript.
      const interims = results(events).filter((r) => !r.isFinal && r.start === f.start);
      expect(interims.length).toBeGreaterThan(2);
      let last = 0;
      for (const r of interims) {
        expect(f.transcript.startsWith(r.transcript)).toBe(true);
        expect(r.words.length).toBeGreaterThan(last);
        last = r.words.length;
      }
    });
    const kinds = events.map(({ e }) => e.kind);
    expect(kinds.filter((k) => k === 'speech-started')).toHaveLength(3);
    expect(kinds.filter((k) => k === 'utterance-end')).toHaveLength(3);
    expect(stats.snapshot().segments).toMatchObject({ total: 3, linked: 3 });
  });

  test('the LLM simulator can follow the conversation from the finals alone', () => {
    const world = simulatorWorld(plans);
    const { recogniser } = stream(world);
    const heard = finals(play(recogniser, taggedCall(turns.slice(0, 2)).samples)).map((f) => f.transcript);
    const known = world.conversation.resolve(heard.map((content) => ({ role: 'user' as const, content })));
    expect(known?.turn.id).toBe(turns[1]!.id);
  });

  test('without interim results or VAD events: only finals; with endpointing off, finals are not speech-final', () => {
    const world = simulatorWorld(plans);
    const { recogniser } = stream(world, {
      settings: { interimResults: false, vadEvents: false, endpointingMs: false },
    });
    const events = play(recogniser, taggedCall(turns.slice(0, 1), { tailMs: 2000 }).samples);
    expect(events.every(({ e }) => e.kind === 'results' && e.isFinal)).toBe(true);
    expect(finals(events)).toHaveLength(1);
    expect(finals(events)[0]!.speechFinal).toBe(false);
  });

  test('Finalize finishes the open segment at once (from_finalize), and the rest of the utterance follows', () => {
    const world = simulatorWorld(plans);
    const { recogniser } = stream(world);
    const turn = turns[1]!;
    const { samples, placed } = taggedCall([turn]);
    const half = placed[0]!.start + Math.round((placed[0]!.end - placed[0]!.start) / 2);
    const first = play(recogniser, samples.subarray(0, half));
    const finalized = recogniser.finalize();
    const rest = play(recogniser, samples.subarray(half));
    const early = finalized.filter((e): e is StreamResult => e.kind === 'results');
    expect(early).toHaveLength(1);
    expect(early[0]).toMatchObject({ isFinal: true, fromFinalize: true, speechFinal: false });
    const late = finals(rest);
    expect(late).toHaveLength(1);
    const whole = world.groundTruth.transcriptOf(turn.id)!.transcript;
    expect(`${early[0]!.transcript} ${late[0]!.transcript}`).toBe(whole);
    expect(finals(first)).toHaveLength(0);
    // With nothing open, Finalize answers an empty from_finalize final (Pipecat relies on it).
    expect(recogniser.finalize()).toMatchObject([{ kind: 'results', fromFinalize: true, transcript: '' }]);
  });

  test('a tag of a call the ground truth does not know, and audio with no tag, get empty finals and counters', () => {
    const world = simulatorWorld(plans);
    const { recogniser, stats } = stream(world);
    const stranger = fixturePlan({ seed: 99 }).turns[0]!;
    const noisy = renderSpeech('Sorry say that again?', { sampleRate: 8000, audioMs: 900, seed: 5 });
    const events = play(
      recogniser,
      concat(taggedCall([stranger]).samples, new Int16Array(4000), noisy, new Int16Array(8000)),
    );
    expect(finals(events).map((f) => f.transcript)).toEqual(['', '']);
    expect(stats.snapshot().segments).toMatchObject({ unknownUtterance: 1, unlinked: { 'no-tag': 1 } });
  });
});

describe('faults and latency', () => {
  const plans = fixturePlans(40, { cohort: 'geordie' });

  test('confidence collapse of the cohort pulls the streamed confidence down', () => {
    const mean = (effects?: (ctx: { cohort?: string }) => FaultEffects) => {
      const world = simulatorWorld(plans);
      let sum = 0;
      for (const plan of plans) {
        const { recogniser } = stream(world, { ...(effects ? { effects } : {}) });
        sum += finals(play(recogniser, taggedCall(plan.turns.slice(1, 2)).samples))[0]!.confidence;
      }
      return sum / plans.length;
    };
    const faults = new FaultSet({ kind: 'asr' });
    faults.set({ type: 'asr-confidence-collapse', params: { cohort: 'geordie', targetMean: 0.3 } });
    const collapsed = mean((ctx) =>
      faults.effectsFor(
        { simulator: 'asr', endpoint: 'asr', method: 'GET', path: '/v1/listen', ...ctx },
        seeded(1),
      ),
    );
    expect(mean()).toBeGreaterThan(0.7);
    expect(collapsed).toBeLessThan(0.45);
  });

  test('finals wait for the latency model plus stream-slow-finals; interims do not', () => {
    const world = simulatorWorld(plans);
    const slow = { ...noEffects(), stream: { silent: false, finalDelayMs: 700 } };
    const { recogniser } = stream(world, { effects: () => slow, latency: { medianMs: 120, p90Ms: 260 } });
    const events = results(play(recogniser, taggedCall(plans[0]!.turns.slice(0, 1)).samples));
    expect(events.filter((r) => !r.isFinal).every((r) => r.delayMs === 0)).toBe(true);
    const [final] = events.filter((r) => r.isFinal);
    expect(final!.delayMs).toBeGreaterThan(700 + 20);
    expect(final!.delayMs).toBeLessThan(700 + 2000);
  });

  test('stream-drop stops the stream part-way into a segment; stream-silent stops it from saying anything', () => {
    const world = simulatorWorld(plans);
    const drop = { ...noEffects(), stream: { silent: false, finalDelayMs: 0, dropAfterMs: 600 } };
    const dropped = stream(world, { effects: () => drop });
    const events = play(dropped.recogniser, taggedCall(plans[0]!.turns.slice(0, 2)).samples);
    const at = events.findIndex(({ e }) => e.kind === 'drop');
    expect(at).toBeGreaterThan(0);
    expect(events.slice(at + 1)).toEqual([]);
    expect(finals(events)).toHaveLength(0);
    expect(dropped.stats.dropped).toBe(1);

    const quiet = stream(world, {
      effects: () => ({ ...noEffects(), stream: { silent: true, finalDelayMs: 0 } }),
    });
    const heard = play(quiet.recogniser, taggedCall(plans[1]!.turns.slice(0, 2)).samples).map(
      ({ e }) => e.kind,
    );
    expect(heard.filter((k) => k !== 'speech-started')).toEqual(['silence']);
  });
});

/**
 * A linker built in this test from known audio (not the tagged method): it finds the segment's
 * first loud samples in the rendered utterance, so it knows exactly where in the utterance the
 * segment is — what a perfect acoustic linker would say.
 */
class KnownAudioLinker implements UtteranceLinker {
  readonly method = 'known-audio';
  constructor(
    readonly utteranceId: string,
    readonly audio: Int16Array,
  ) {}

  segment() {
    const ref = this.audio;
    const id = this.utteranceId;
    let pushed = 0;
    let at: number | undefined;
    const decision = (): LinkDecision =>
      at === undefined
        ? { status: 'pending' }
        : { status: 'linked', utteranceId: id, confidence: 1, offsetMs: ((at + pushed) * 1000) / 8000 };
    return {
      push(samples: Int16Array): LinkDecision {
        if (at === undefined) {
          const k = samples.findIndex((s) => Math.abs(s) > 200);
          if (k >= 0 && k + 16 <= samples.length) {
            const probe = samples.subarray(k, k + 16);
            for (let p = 0; p + 16 <= ref.length; p++) {
              if (probe.every((s, j) => ref[p + j] === s)) {
                at = p - k - pushed;
                break;
              }
            }
          }
        }
        pushed += samples.length;
        return decision();
      },
      end() {
        const d = decision();
        return d.status === 'pending' ? { status: 'unknown' as const, reason: 'not-found' } : d;
      },
    };
  }
}

test('an utterance a long pause splits is sent as several finals whose words join up to the whole transcript', () => {
  const plan = fixturePlan({ index: 3 });
  const turn = plan.turns[1]!;
  const world = simulatorWorld([plan]);
  // Speech of the turn's own duration with a sentence pause in the middle, as a caller would say it.
  const words = turn.text.split(' ');
  const text = `${words.slice(0, 4).join(' ')}. ${words.slice(4).join(' ')}`;
  const speech = renderSpeech(text, { sampleRate: 8000, audioMs: turn.speechMs, seed: 1 });
  const { recogniser } = stream(world, { linker: new KnownAudioLinker(turn.id, speech) });
  const events = play(recogniser, concat(new Int16Array(4000), speech, new Int16Array(12_000)));
  const fin = finals(events);
  expect(fin.length).toBeGreaterThanOrEqual(2);
  const whole = world.groundTruth.transcriptOf(turn.id)!.transcript;
  expect(normaliseTranscript(fin.map((f) => f.transcript).join(' '))).toBe(normaliseTranscript(whole));
  expect(fin.every((f) => f.utteranceId === turn.id && f.speechFinal)).toBe(true);
});
