import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, expect, test } from 'vitest';
import { executeRun } from '../../../src/driver/execute-run.ts';
import { noChaos } from '../../../src/driver/run-chaos.ts';
import { readCalls } from '../../../src/driver/run-wind-down.ts';
import { CallstormError } from '../../../src/errors/callstorm-error.ts';
import type { HistogramsJson } from '../../../src/telemetry/latency-histograms.ts';
import { describeWithEspeak } from '../../helpers/espeak-for-tests.ts';
import { freshDir } from '../run-fixtures.ts';
import { type ScriptedTwilioBot, startScriptedTwilioBot } from './scripted-twilio-bot.ts';

/** 30 s of a scale Monday morning: four calls, in real time. */
const RUN = {
  vertical: 'collections',
  stage: 'scale',
  window: '2026-03-02T09:00:00Z/2026-03-02T09:00:30Z',
  speed: 1,
  seed: 1,
  latency: 'zero',
  simulators: 'in-process',
} as const;

const bots: ScriptedTwilioBot[] = [];
afterAll(async () => {
  await Promise.all(bots.map((b) => b.close()));
});

test('a Twilio target at --speed 120 is refused before any call, naming why (exit 2)', async () => {
  const run = executeRun({
    ...RUN,
    speed: 120,
    agent: 'twilio+ws://127.0.0.1:9/ws',
    out: freshDir('twilio-speed'),
  });
  await expect(run).rejects.toBeInstanceOf(CallstormError);
  await expect(run).rejects.toMatchObject({ code: 'CS_ERR_REALTIME_ONLY', exitCode: 2 });
});

describeWithEspeak('a run against a Twilio Media Streams bot', () => {
  test('callstorm run --agent twilio+ws://…: real-time calls with speech, judged and recorded with their wire measurements', async () => {
    let twilioUrl = '';
    // The bot greets, answers each utterance, and hangs up by REST after its second answer.
    const bot = await startScriptedTwilioBot(
      () => twilioUrl,
      async (call) => {
        await call.start;
        await call.speak(800);
        for (let i = 0; i < 2; i++) {
          await call.nextUtteranceEnd();
          await call.speak(600);
        }
        await call.rest({ Status: 'completed' });
        call.ws.close(1000);
      },
    );
    bots.push(bot);
    const run = await executeRun({
      ...RUN,
      agent: bot.url,
      out: freshDir('twilio-run'),
      chaos: async (ctx) => {
        // The bot is told the fake Twilio's base URL, as --agent-cmd tells a real one (TWILIO_BASE_URL).
        twilioUrl = ctx.simulators.twilio.url;
        return noChaos;
      },
    });
    expect(run.manifest).toMatchObject({ status: 'complete', transport: 'twilio', callerAudio: 'speech' });
    const calls = readCalls(join(run.dir, 'calls.jsonl'));
    expect(calls).toHaveLength(4);
    for (const c of calls) {
      expect(c.wire?.transport).toBe('twilio');
      expect(c.wire!.framesSent).toBeGreaterThan(50);
    }
    const answered = calls.flatMap((c) => c.turns).filter((t) => t.voiceToVoiceMs !== null);
    expect(answered.length).toBeGreaterThan(0);
    const histograms = JSON.parse(readFileSync(join(run.dir, 'histograms.json'), 'utf8')) as HistogramsJson;
    expect(histograms.metrics['call.turn.wire.voice_to_voice_ms']!.total.count).toBe(
      calls.flatMap((c) => c.wire!.turns).filter((t) => t.voiceToVoiceMs !== null).length,
    );
  }, 180_000);
});
