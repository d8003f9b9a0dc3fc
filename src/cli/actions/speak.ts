import { writeFile } from 'node:fs/promises';
import { createCallGenerator } from '../../../simulators/callers/call-generator.ts';
import { encodeUtterance } from '../../../simulators/callers/speech-formats.ts';
import { SpeechRenderer } from '../../../simulators/callers/speech-renderer.ts';
import { CallstormError } from '../../errors/callstorm-error.ts';
import { loadScenario } from '../../scenario/load-scenario.ts';
import { outputWriteError, prepareOutputFile } from '../../util/output-location.ts';
import type { SpeakOptions } from '../command-options.ts';

/** `callstorm speak`: one planned utterance as caller speech, to a file or stdout. */
export default async function speak(opts: SpeakOptions): Promise<number> {
  const { seed, rate } = opts;
  const scenario = loadScenario({ vertical: opts.vertical, stage: opts.stage });
  const generator = createCallGenerator(scenario, { seed, window: opts.window });
  const m = /^cs-(\d+)-(\d+)$/.exec(opts.call);
  const plan = m && Number(m[1]) === seed ? generator.planAt(Number(m[2])) : undefined;
  if (!plan) {
    throw new CallstormError('CS_ERR_UNKNOWN_CALL', {
      ids: JSON.stringify(opts.call),
      reason: `not a call of ${scenario.vertical.name} × ${scenario.stage.name}, window ${opts.window}, seed ${seed}`,
    });
  }
  const turn = plan.turns[opts.utterance];
  if (!turn) {
    throw new CallstormError('CS_ERR_BAD_ARGUMENT', {
      option: '--utterance',
      reason: `"${opts.utterance}": call ${plan.id} has utterances 0 to ${plan.turns.length - 1}`,
      fix: `pass --utterance 0 … ${plan.turns.length - 1}`,
    });
  }
  const path = opts.out === '-' ? null : prepareOutputFile(opts.out, { option: '--out', what: 'the audio' });
  const renderer = new SpeechRenderer({ population: scenario.population });
  const rendered = await renderer.render(plan, turn);
  const bytes = encodeUtterance(rendered, opts.format, rate);
  if (opts.out === '-') process.stdout.write(bytes);
  else if (path) {
    try {
      await writeFile(path, bytes);
    } catch (error) {
      throw outputWriteError('the audio', path, error, 'Delete the file and try again.');
    }
  }
  const v = rendered.voice;
  const tape = v.tapeStep / 4;
  process.stderr.write(
    `${turn.id}: ${JSON.stringify(turn.text)}\n` +
      `  voice ${v.voice}+${v.variant} (${v.voiceSource === 'cohort' ? `cohort ${plan.cohort}` : `${v.voiceSource} voice for cohort ${plan.cohort}`}), ${v.rate} wpm, pitch ${v.pitch}, tape ${tape >= 0 ? '+' : ''}${tape.toFixed(2)} %, level ${v.levelDb} dBFS\n` +
      `  noise ${rendered.noise.environment} at ${rendered.noise.snrDb} dB SNR (${rendered.noise.spectrum})\n` +
      `  ${Math.round(rendered.durationMs)} ms, speech ${Math.round(rendered.speech.startMs)}–${Math.round(rendered.speech.endMs)} ms; ${opts.format} ${rate} Hz, ${bytes.length} bytes → ${opts.out === '-' ? 'stdout' : opts.out} (${rendered.synthesised ? 'espeak-ng ran' : 'from the speech cache'} ${renderer.cache.dir})\n`,
  );
  return 0;
}
