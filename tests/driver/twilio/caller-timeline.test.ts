import { expect, test } from 'vitest';
import type { CallPlan, PlannedTurn } from '../../../simulators/callers/call-plan.ts';
import { BotSpeechDetector } from '../../../src/driver/twilio/bot-speech-detector.ts';
import { CallerTimeline, type CallerTimelineOptions } from '../../../src/driver/twilio/caller-timeline.ts';
import type { UtteranceFrames } from '../../../src/driver/twilio/utterance-frames.ts';
import { WireMeter } from '../../../src/driver/twilio/wire-meter.ts';
import { plans } from './twilio-fixtures.ts';

const FRAME = 20;

/** A plan of `n` turns with the given think times and barge-in points, and patience. */
function planOf(turns: { thinkMs?: number; bargeInAtMs?: number | null }[], patienceMs = 5_000): CallPlan {
  const base = plans(1)[0]!;
  const template = base.turns[0]!;
  return {
    ...base,
    patienceMs,
    turns: turns.map(
      (t, index): PlannedTurn => ({
        ...template,
        id: `${base.id}.u${index}`,
        index,
        thinkMs: t.thinkMs ?? 0,
        bargeInAtMs: t.bargeInAtMs ?? null,
      }),
    ),
  };
}

/** Utterances of 1 s: speech from 100 ms to 900 ms; each payload names its turn and frame. */
function framesOf(turn: PlannedTurn): UtteranceFrames {
  return {
    utteranceId: turn.id,
    payloads: Array.from({ length: 50 }, (_, i) => `u${turn.index}f${i}`),
    speechStartMs: 100,
    speechEndMs: 900,
    durationMs: 1_000,
  };
}

/**
 * Runs a timeline tick by tick on synthetic time (no clock, no socket): `bot(at, heard)` says
 * whether the bot's audio is speech at `at`, given what the caller has said so far.
 */
function play(
  plan: CallPlan,
  bot: (at: number, said: { turn: number; at: number }[]) => boolean,
  options: Partial<CallerTimelineOptions> = {},
  untilMs = 60_000,
) {
  const meter = new WireMeter(0);
  const said: { turn: number; attempt: number; at: number }[] = [];
  const timeline = new CallerTimeline({
    plan,
    meter,
    detector: new BotSpeechDetector(700),
    startedAt: 0,
    frames: framesOf,
    onUtteranceStart: (turn, attempt, at) => said.push({ turn: turn.index, attempt, at }),
    ...options,
  });
  const sent: (string | null)[] = [];
  for (let at = 0; at < untilMs && !timeline.ended; at += FRAME) {
    const loud = bot(at, said);
    sent.push(timeline.tick(at, loud, loud ? 160 : 0));
  }
  return { timeline, meter, said, sent };
}

/** A bot that greets from 200 to 1,200 ms, then answers each utterance 600 ms after its speech ends, for 1 s. */
const politeBot = (at: number, said: { turn: number; at: number }[]) => {
  if (at >= 200 && at < 1_200) return true;
  const last = said[said.length - 1];
  if (!last) return false;
  const speechEnd = last.at + 900;
  return at >= speechEnd + 600 && at < speechEnd + 1_600;
};

test('the caller lets the bot finish (a 700 ms hangover), thinks, speaks each turn in order and measures voice-to-voice on the audio', () => {
  const plan = planOf([{ thinkMs: 0 }, { thinkMs: 500 }]);
  const { timeline, meter, said, sent } = play(plan, politeBot, { closeWaitMs: 1_000 });
  // The greeting ends at 1,200; 700 ms of quiet later the caller takes the turn (think 0).
  expect(said[0]).toEqual({ turn: 0, attempt: 0, at: 1_900 });
  // Reply from 3,400 to 4,400 (speech end 2,800 + 600); finished at 5,100; think 500.
  expect(said[1]).toEqual({ turn: 1, attempt: 0, at: 5_600 });
  expect(said).toHaveLength(2);
  // The caller's frames are the utterance's, in order, and silence (null) between.
  expect(sent[1_900 / FRAME]).toBe('u0f0');
  expect(sent[1_900 / FRAME + 49]).toBe('u0f49');
  expect(sent[1_900 / FRAME + 50]).toBeNull();
  const w = meter.measurements({});
  expect(w.greetingLatencyMs).toBe(200);
  expect(w.turns.map((t) => t.voiceToVoiceMs)).toEqual([600, 600]);
  expect(w.longestDeadAirMs).toBe(600);
  expect(w.talkOverMs).toBe(0);
  // After the last reply (finished at 8,800) the caller waits 1 s for the bot to end the call.
  expect(timeline.ended).toEqual({ by: 'caller-done', atTurn: 1, at: 9_800 });
});

test('a bot that never speaks: the caller hangs up once its patience is spent, at turn 0', () => {
  const plan = planOf([{}, {}], 3_000);
  const { timeline, said, meter } = play(plan, () => false);
  expect(said).toEqual([]);
  expect(timeline.ended).toMatchObject({ by: 'caller-abandoned', atTurn: 0, waitedMs: 3_000, at: 3_000 });
  expect(timeline.ended?.by === 'caller-abandoned' && timeline.ended.why).toContain('dead air');
  meter.ended(3_000);
  expect(meter.measurements({}).longestDeadAirMs).toBe(3_000);
  expect(meter.measurements({}).greetingLatencyMs).toBeNull();
});

test('dead air after a turn: the caller gives up on the reply that never comes', () => {
  const plan = planOf([{}, {}], 2_000);
  const greetingOnly = (at: number) => at >= 200 && at < 1_200;
  const { timeline, said } = play(plan, greetingOnly);
  expect(said.map((s) => s.turn)).toEqual([0]);
  // Speech ended at 1,900 + 900 = 2,800; 2 s later the caller hangs up.
  expect(timeline.ended).toMatchObject({ by: 'caller-abandoned', atTurn: 0, waitedMs: 2_000, at: 4_800 });
});

test('the caller barges in at its planned point while the bot still speaks, and measures the clear and the audio after it', () => {
  const plan = planOf([{}, { bargeInAtMs: 400 }]);
  let cleared = Number.POSITIVE_INFINITY;
  // The bot answers turn 0 with a 3 s reply, and stops 300 ms after the caller barges in.
  const bot = (at: number, said: { turn: number; at: number }[]) => {
    if (at >= 200 && at < 1_200) return true;
    const first = said[0];
    if (!first) return false;
    const start = first.at + 900 + 600;
    if (said[1] && at >= said[1].at + 100 + 300) {
      cleared = Math.min(cleared, at);
      return false;
    }
    return at >= start && at < start + 3_000;
  };
  const { said, meter } = play(plan, bot, {}, 8_000);
  const replyStart = 1_900 + 900 + 600;
  expect(said[1]).toEqual({ turn: 1, attempt: 0, at: replyStart + 400 });
  meter.clear(said[1]!.at + 100 + 250);
  const w = meter.measurements({});
  expect(w.turns[1]).toMatchObject({ bargeInClearMs: 250, audioAfterBargeInMs: 300 });
  // The caller's speech overlapped 300 ms of the bot's.
  expect(w.talkOverMs).toBe(300);
});

test('a reprompt: the caller says the same turn again (at most twice), then goes on', async () => {
  const plan = planOf([{}, {}]);
  const asked: string[] = [];
  const isReprompt = async (turn: PlannedTurn) => {
    asked.push(turn.id);
    return turn.index === 0;
  };
  const run = play(plan, politeBot, { isReprompt, closeWaitMs: 500 }, 0);
  // Drive it by hand so the reprompt check's promise settles between ticks.
  const { timeline, said } = run;
  let heard: { turn: number; at: number }[] = said;
  for (let at = 0; at < 40_000 && !timeline.ended; at += FRAME) {
    const loud = politeBot(at, heard);
    timeline.tick(at, loud, loud ? 160 : 0);
    heard = said;
    await Promise.resolve();
  }
  expect(said.map((s) => [s.turn, s.attempt])).toEqual([
    [0, 0],
    [0, 1],
    [0, 2],
    [1, 0],
  ]);
  expect(asked.filter((id) => id.endsWith('.u0'))).toHaveLength(2);
  expect(timeline.ended).toMatchObject({ by: 'caller-done', atTurn: 1 });
});

test('the bot speaking again during the think time: the caller waits for it to finish', () => {
  const plan = planOf([{ thinkMs: 1_000 }, {}]);
  // Greeting 200–1,200, then a second burst at 2,200–2,600 (inside hangover 700 + think 1,000).
  const bot = (at: number) => (at >= 200 && at < 1_200) || (at >= 2_200 && at < 2_600);
  const { said } = play(plan, bot, {}, 6_000);
  expect(said[0]).toEqual({ turn: 0, attempt: 0, at: 2_600 + 700 + 1_000 });
});
