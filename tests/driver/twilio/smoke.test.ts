import { afterAll, expect, test } from 'vitest';
import { plans, quickCaller, startTwilioRig } from './twilio-fixtures.ts';
import { startScriptedTwilioBot } from './scripted-twilio-bot.ts';

test('smoke', async () => {
  const rig = await startTwilioRig();
  const bot = await startScriptedTwilioBot(rig.suite.twilio.url, async (call) => {
    await call.start;
    await call.lookUp();
    await call.speak(1200);
    for (let i = 0; ; i++) {
      await call.nextUtteranceEnd();
      await new Promise((r) => setTimeout(r, 300));
      await call.speak(900);
      if (i === 5) break;
    }
  });
  const plan = quickCaller(plans(1)[0]!);
  const t = rig.transport(bot.url);
  const o = await t.converse === undefined ? null : await rig.converse(t, plan);
  console.log(JSON.stringify(o, null, 1).slice(0, 4000));
  console.log(bot.calls[0]!.received.filter((m) => m.event !== 'media').map((m) => m.event), bot.calls[0]!.received.length);
  await bot.close();
  await rig.close();
}, 90_000);
