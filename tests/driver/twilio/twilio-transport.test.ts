import { afterAll, beforeAll, expect, test } from 'vitest';
import { CallstormError } from '../../../src/errors/callstorm-error.ts';
import { createSimulatorEvidence } from '../../../src/simulation/simulator-evidence.ts';
import { describeWithEspeak } from '../../helpers/espeak-for-tests.ts';
import { type ScriptedTwilioBot, startScriptedTwilioBot } from './scripted-twilio-bot.ts';
import { plans, quickCaller, startTwilioRig, type TwilioRig } from './twilio-fixtures.ts';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describeWithEspeak('the Twilio Media Streams caller against real WebSocket bots', () => {
  let rig: TwilioRig;
  const bots: ScriptedTwilioBot[] = [];
  beforeAll(async () => {
    rig = await startTwilioRig();
  });
  afterAll(async () => {
    await Promise.all(bots.map((b) => b.close()));
    await rig.close();
  });
  const bot = async (script: Parameters<typeof startScriptedTwilioBot>[1]) => {
    const b = await startScriptedTwilioBot(rig.suite.twilio.url, script);
    bots.push(b);
    return b;
  };

  test('a polite bot: greeting, a reply per turn, a REST hang-up; every message as Twilio sends it, voice-to-voice on every turn', async () => {
    const plan = quickCaller(plans(1)[0]!);
    const b = await bot(async (call) => {
      await call.start;
      expect((await call.lookUp()).body).toMatchObject({ from: '+447115504338', status: 'in-progress' });
      await call.speak(1_000);
      for (let i = 0; i < plan.turns.length; i++) {
        await call.nextUtteranceEnd();
        await sleep(200);
        await call.speak(800);
      }
      await call.speak(400, { paced: false }); // a last burst, then the hang-up
      expect(await call.rest({ Status: 'completed' })).toBe(200);
      call.ws.close(1000);
    });
    const t = rig.transport(b.url);
    const o = await rig.converse(t, plan);
    expect(o.ending).toEqual({ by: 'agent-end', atTurn: plan.turns.length - 1 });
    expect(o.turns.map((x) => x.index)).toEqual(plan.turns.map((x) => x.index));
    expect(o.turns.every((x) => x.status === 200 && x.voiceToVoiceMs !== null)).toBe(true);
    expect(o.turns.at(-1)!.action).toBe('end');
    // Whichever came first, the REST hang-up (Twilio then stops the stream) or the bot's close.
    expect(o.wire).toMatchObject({ transport: 'twilio', close: { code: 1000 } });
    expect(o.wire!.greetingLatencyMs).toBeGreaterThan(0);
    expect(o.wire!.turns.every((x) => x.voiceToVoiceMs! >= 150)).toBe(true); // the bot waits 400 + 200 ms
    expect(o.wire!.endReason).toContain('POST Status=completed');
    // The caller announced each utterance to the ASR simulator as it started playing.
    for (const turn of plan.turns) expect(rig.announced).toContain(turn.id);

    const call = b.calls[0]!;
    const [connected, start, ...rest] = call.received;
    expect(connected).toEqual({ event: 'connected', protocol: 'Call', version: '1.0.0' });
    expect(start).toMatchObject({
      event: 'start',
      sequenceNumber: '1',
      start: {
        tracks: ['inbound'],
        mediaFormat: { encoding: 'audio/x-mulaw', sampleRate: 8000, channels: 1 },
        customParameters: {
          from_number: '+447115504338',
          to_number: '+441632960000',
          callstorm_call_id: plan.id,
        },
      },
    });
    const ids = (start as { start: { streamSid: string; callSid: string; accountSid: string } }).start;
    expect(ids.streamSid).toMatch(/^MZ[0-9a-f]{32}$/);
    expect(ids.callSid).toMatch(/^CA[0-9a-f]{32}$/);
    expect(ids.accountSid).toMatch(/^AC[0-9a-f]{32}$/);
    const media = rest.filter((m) => m['event'] === 'media') as {
      sequenceNumber: string;
      media: { track: string; chunk: string; timestamp: string; payload: string };
    }[];
    expect(media.length).toBeGreaterThan(100);
    media.forEach((m, i) => {
      expect(m.sequenceNumber).toBe(String(i + 2));
      expect(m.media.chunk).toBe(String(i + 1));
      expect(m.media.track).toBe('inbound');
      expect(Buffer.from(m.media.payload, 'base64')).toHaveLength(160);
    });
    const stamps = media.map((m) => Number(m.media.timestamp));
    expect(stamps.slice(1).every((s, i) => s - stamps[i]! === 20)).toBe(true);
    expect(rig.suite.twilio.calls.get(ids.callSid)).toMatchObject({
      status: 'completed',
      lookups: 1,
      updates: 1,
    });
  });

  test('a transfer by REST with <Dial> TwiML: escalated at that turn with the reason the bot gave; the stream stops', async () => {
    const plan = quickCaller(plans(2)[1]!);
    const b = await bot(async (call) => {
      await call.start;
      await call.speak(600);
      await call.nextUtteranceEnd();
      await call.speak(500);
      const twiml =
        '<Response><Dial><Client><Identity>contact-centre</Identity><Parameter name="reason" value="caller_requested"/></Client></Dial></Response>';
      expect(await call.rest({ Twiml: twiml })).toBe(200);
      // Pipecat closes ~10 ms after its POST returns; this bot keeps the socket open: Twilio ends it.
    });
    const o = await rig.converse(rig.transport(b.url), plan);
    expect(o.ending).toEqual({
      by: 'agent-transfer',
      atTurn: 0,
      reason: 'caller_requested',
      queue: 'contact-centre',
    });
    expect(o.turns[0]).toMatchObject({ action: 'transfer', transferReason: 'caller_requested', status: 200 });
    expect(o.wire!.close).toEqual({ code: 1000, by: 'caller' });
    const closed = await b.calls[0]!.closed;
    expect(closed.code).toBe(1000);
    expect(b.calls[0]!.received.at(-1)).toMatchObject({
      event: 'stop',
      stop: { callSid: expect.stringMatching(/^CA/) },
    });
  });

  test('a bot that never sends audio: the caller abandons on dead air, and the record says why', async () => {
    // 3 s of patience: a loaded machine can take over 1.5 s to finish the handshake (the caller then
    // abandons while dialling, another ending).
    const plan = quickCaller(plans(1)[0]!, 3_000);
    const b = await bot(async () => {});
    const o = await rig.converse(rig.transport(b.url), plan);
    expect(o.ending).toMatchObject({ by: 'caller-abandoned', atTurn: 0 });
    expect(o.ending.by === 'caller-abandoned' && o.ending.waitedMs).toBeGreaterThanOrEqual(3_000);
    expect(o.turns).toEqual([]);
    expect(o.wire!.endReason).toMatch(/^dead air: no bot speech for 3000 ms/);
    expect(o.wire!.greetingLatencyMs).toBeNull();
    expect(o.wire!.longestDeadAirMs).toBeGreaterThanOrEqual(3_000);
    expect((await b.calls[0]!.closed).code).toBe(1000);
    expect(b.calls[0]!.received.at(-1)).toMatchObject({ event: 'stop' });
  });

  test('a bot that closes at once: failed, with the close code', async () => {
    const b = await bot(async (call) => {
      await call.start;
      call.ws.close(1011, 'pipeline crashed');
    });
    const o = await rig.converse(rig.transport(b.url), quickCaller(plans(1)[0]!));
    expect(o.ending).toMatchObject({ by: 'failure', atTurn: 0, kind: 'protocol-error', status: null });
    expect(o.ending.by === 'failure' && o.ending.message).toBe(
      'the bot closed the stream with code 1011 ("pipeline crashed") before it said anything',
    );
    expect(o.wire!.close).toEqual({ code: 1011, by: 'bot' });
  });

  test('no bot listening: failed with the network error, at once', async () => {
    const b = await bot(async () => {});
    const url = b.url;
    await b.close();
    const o = await rig.converse(rig.transport(url), quickCaller(plans(1)[0]!));
    expect(o.ending).toMatchObject({ by: 'failure', kind: 'network-error', atTurn: 0 });
    expect(o.ending.by === 'failure' && o.ending.message).toContain('ECONNREFUSED');
  });

  test('malformed messages are counted and named in the reason, never a crash; the call goes on', async () => {
    const plan = quickCaller(plans(1)[0]!);
    const b = await bot(async (call) => {
      await call.start;
      call.send('this is not json');
      call.send('{"event":"media","media":{"payload":"%%%%"}}');
      call.send(Buffer.from([1, 2, 3]));
      call.send('{"event":"mark"}');
      call.send('{"event":"bogus"}');
      await call.speak(600);
      await call.nextUtteranceEnd();
      call.ws.close(1000);
    });
    const o = await rig.converse(rig.transport(b.url), plan);
    expect(o.ending).toMatchObject({ by: 'agent-end', atTurn: 0 });
    expect(o.wire!.malformedMessages).toBe(5);
    expect(o.wire!.malformedKinds).toEqual([
      'not JSON ×1',
      'media payload not base64 ×1',
      'binary frame ×1',
      'mark without a name ×1',
      'unknown event "bogus" ×1',
    ]);
    expect(o.wire!.endReason).toContain('5 malformed message(s) from the bot (not JSON ×1');
    expect(o.wire!.greetingLatencyMs).not.toBeNull();
  });

  test('a bot faster than real time: buffered up to the cap, the excess dropped and flagged', async () => {
    const plan = quickCaller(plans(1)[0]!);
    const b = await bot(async (call) => {
      await call.start;
      await call.speak(4_000, { paced: false, chunkMs: 500 }); // 4 s of audio at once
      await call.nextUtteranceEnd();
      call.ws.close(1000);
    });
    const t = rig.transport(b.url, { settings: { playbackCapMs: 1_000 } });
    const o = await rig.converse(t, plan);
    expect(o.wire!.playbackOverflow).toEqual({ droppedMs: 3_000, capMs: 1_000 });
    expect(o.wire!.peakBufferedMs).toBe(1_000);
    expect(o.wire!.endReason).toContain('the bot sent audio faster than real time: 3000 ms dropped');
    // It was played as 1 s of audio, then the caller spoke.
    expect(o.wire!.botAudioMs).toBe(1_000);
    expect(o.turns).toHaveLength(1);
  });

  test('marks are echoed once the audio before them has played, and on clear; clear empties the playback buffer', async () => {
    const plan = quickCaller(plans(1)[0]!);
    let markAt = 0;
    const echoes: { name: string; at: number }[] = [];
    const b = await bot(async (call) => {
      await call.start;
      call.ws.on('message', (d) => {
        const m = JSON.parse(String(d)) as { event: string; mark?: { name: string } };
        if (m.event === 'mark') echoes.push({ name: m.mark!.name, at: performance.now() });
      });
      await call.speak(600, { paced: false });
      markAt = performance.now();
      call.send({
        event: 'mark',
        streamSid: (await call.start)['streamSid'],
        mark: { name: 'greeting-done' },
      });
      await call.nextUtteranceEnd();
      await call.speak(3_000, { paced: false });
      call.send({ event: 'mark', streamSid: (await call.start)['streamSid'], mark: { name: 'reply-done' } });
      await sleep(300);
      call.send({ event: 'clear', streamSid: (await call.start)['streamSid'] });
      await sleep(200);
      call.ws.close(1000);
    });
    const o = await rig.converse(rig.transport(b.url), plan);
    expect(echoes.map((e) => e.name)).toEqual(['greeting-done', 'reply-done']);
    // The 600 ms before the first mark had to play out first.
    expect(echoes[0]!.at - markAt).toBeGreaterThanOrEqual(550);
    expect(o.wire!.marks).toEqual({ received: 2, echoed: 2 });
    expect(o.wire!.clears).toBe(1);
    // The 3 s reply was cut by the clear: far less than 3.6 s of bot audio played.
    expect(o.wire!.botAudioMs).toBeLessThan(2_000);
  });

  test('a barge-in at the planned point: the bot clears its audio, and the caller measures the clear and what kept playing', async () => {
    const base = quickCaller(plans(1)[0]!);
    const plan = { ...base, turns: base.turns.map((t) => (t.index === 1 ? { ...t, bargeInAtMs: 500 } : t)) };
    const b = await bot(async (call) => {
      const { streamSid } = (await call.start) as { streamSid: string };
      await call.speak(600);
      await call.nextUtteranceEnd();
      const interrupted = call.nextUtteranceStart().then(async () => {
        await sleep(150); // the bot's VAD takes a moment
        call.hush();
        call.send({ event: 'clear', streamSid });
      });
      await call.speak(4_000);
      await interrupted;
      await call.nextUtteranceEnd();
      await call.rest({ Status: 'completed' });
    });
    const o = await rig.converse(rig.transport(b.url), plan);
    expect(o.turns.map((t) => [t.index, t.bargeIn])).toEqual([
      [0, false],
      [1, true],
    ]);
    const barged = o.wire!.turns[1]!;
    expect(barged.bargeInClearMs).not.toBeNull();
    expect(barged.bargeInClearMs!).toBeLessThan(1_000);
    expect(barged.audioAfterBargeInMs!).toBeGreaterThan(0);
    expect(barged.audioAfterBargeInMs!).toBeLessThan(1_000);
    expect(o.wire!.talkOverMs).toBeGreaterThan(0);
    expect(o.ending).toMatchObject({ by: 'agent-end', atTurn: 1 });
  });

  test('Ctrl-C mid-call: the caller hangs up (stop, close) and converse rejects with the reason', async () => {
    const b = await bot(async (call) => {
      await call.start;
      await call.speak(5_000);
    });
    const stop = new AbortController();
    const conversing = rig.converse(rig.transport(b.url), quickCaller(plans(1)[0]!), stop.signal);
    while (b.calls.length === 0) await sleep(50);
    await sleep(500);
    stop.abort(new Error('stopped by the run'));
    await expect(conversing).rejects.toThrow('stopped by the run');
    expect((await b.calls[0]!.closed).code).toBe(1000);
    expect(b.calls[0]!.received.at(-1)).toMatchObject({ event: 'stop' });
  });
});

test('a Twilio target refuses --speed other than 1 and tagged caller audio, with reasons (exit 2)', async () => {
  const rig = await startTwilioRig();
  try {
    const speed = (() => {
      try {
        rig.transport('twilio+ws://127.0.0.1:1/ws', {}, { speed: 60 });
      } catch (error) {
        return error;
      }
    })();
    expect(speed).toBeInstanceOf(CallstormError);
    expect((speed as CallstormError).code).toBe('CS_ERR_REALTIME_ONLY');
    expect((speed as CallstormError).exitCode).toBe(2);
    expect((speed as CallstormError).message).toContain('audio cannot be compressed in time');
    expect((speed as CallstormError).hint).toContain('--window');
    expect(() => rig.transport('twilio+ws://127.0.0.1:1/ws', {}, { callerAudio: 'tagged' })).toThrow(
      /--caller-audio/,
    );
  } finally {
    await rig.close();
  }
});

test('the judge gets the run’s evidence (the simulators’: intents, the LLM’s transfer and end tools) unless told otherwise', async () => {
  const rig = await startTwilioRig();
  try {
    const runEvidence = createSimulatorEvidence(rig.suite);
    try {
      expect(rig.transport('twilio+ws://127.0.0.1:1/ws', {}, { evidence: runEvidence }).evidence).toBe(
        runEvidence,
      );
      expect(
        rig.transport('twilio+ws://127.0.0.1:1/ws', { evidence: null }, { evidence: runEvidence }).evidence,
      ).toBeNull();
      expect(rig.transport('twilio+ws://127.0.0.1:1/ws').evidence).toBeNull();
    } finally {
      await runEvidence.close();
    }
  } finally {
    await rig.close();
  }
});
