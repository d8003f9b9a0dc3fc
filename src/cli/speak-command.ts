import { writeFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { createCallGenerator } from '../../simulators/callers/call-generator.ts';
import {
  encodeUtterance,
  SPEECH_FORMATS,
  type SpeechFormat,
} from '../../simulators/callers/speech-formats.ts';
import { SpeechRenderer } from '../../simulators/callers/speech-renderer.ts';
import { CallstormError } from '../errors/callstorm-error.ts';
import { loadScenario } from '../scenario/load-scenario.ts';
import { parseSeed } from './parse-options.ts';
import { runAction } from './run-action.ts';

interface SpeakOptions {
  vertical: string;
  stage: string;
  window: string;
  seed: string;
  call: string;
  utterance: string;
  format: string;
  rate?: string;
  out: string;
}

function bad(option: string, reason: string, fix: string): CallstormError {
  return new CallstormError('CS_ERR_BAD_ARGUMENT', { option, reason, fix });
}

function parseRate(text: string | undefined): number {
  if (text === undefined) return 8_000;
  const rate = Number(text);
  if (!/^\d+$/.test(text) || rate < 4_000 || rate > 96_000)
    throw bad('--rate', `"${text}" is not a sample rate from 4000 to 96000 Hz`, 'e.g. --rate 16000');
  return rate;
}

/**
 * `callstorm speak`: renders one planned utterance exactly as callstorm plays it (the same voice,
 * pauses, tape speed, level and line noise; the speech cache shared with runs), to a file.
 */
export function registerSpeak(program: Command): void {
  program
    .command('speak')
    .description('render one planned utterance as caller speech, exactly as callstorm plays it (espeak-ng)')
    .requiredOption('--vertical <name|file>', 'vertical: collections, appointments, claims, or a YAML file')
    .requiredOption('--stage <name|file>', 'stage: pilot, hardening, scale, or a YAML file')
    .option(
      '--window <window>',
      'the window the call id belongs to (as given to `callstorm run`)',
      'peak-hour',
    )
    .option('--seed <n>', 'seed of the calls', '1')
    .requiredOption('--call <callId>', 'call id, cs-<seed>-<index> (see `callstorm generate`)')
    .requiredOption('--utterance <n>', "the turn's index in the call (0 = the first thing the caller says)")
    .option('--format <format>', `${SPEECH_FORMATS.join(' | ')} (wav and pcm16: PCM16; mulaw: G.711)`, 'wav')
    .option('--rate <hz>', 'sample rate (8000 is what a phone line carries)', '8000')
    .requiredOption('--out <file>', "where to write the audio ('-' for stdout)")
    .action(
      runAction(async (opts: SpeakOptions) => {
        const seed = parseSeed(opts.seed);
        if (!(SPEECH_FORMATS as readonly string[]).includes(opts.format))
          throw bad('--format', `"${opts.format}"`, `use ${SPEECH_FORMATS.join(', ')}`);
        const rate = parseRate(opts.rate);
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
        const n = Number(opts.utterance);
        const turn = /^\d+$/.test(opts.utterance) ? plan.turns[n] : undefined;
        if (!turn) {
          throw bad(
            '--utterance',
            `"${opts.utterance}": call ${plan.id} has utterances 0 to ${plan.turns.length - 1}`,
            `pass --utterance 0 … ${plan.turns.length - 1}`,
          );
        }
        const renderer = new SpeechRenderer({ population: scenario.population });
        const rendered = await renderer.render(plan, turn);
        const bytes = encodeUtterance(rendered, opts.format as SpeechFormat, rate);
        if (opts.out === '-') process.stdout.write(bytes);
        else await writeFile(opts.out, bytes);
        const v = rendered.voice;
        const tape = v.tapeStep / 4;
        process.stderr.write(
          `${turn.id}: ${JSON.stringify(turn.text)}\n` +
            `  voice ${v.voice}+${v.variant} (${v.voiceSource === 'cohort' ? `cohort ${plan.cohort}` : `${v.voiceSource} voice for cohort ${plan.cohort}`}), ${v.rate} wpm, pitch ${v.pitch}, tape ${tape >= 0 ? '+' : ''}${tape.toFixed(2)} %, level ${v.levelDb} dBFS\n` +
            `  noise ${rendered.noise.environment} at ${rendered.noise.snrDb} dB SNR (${rendered.noise.spectrum})\n` +
            `  ${Math.round(rendered.durationMs)} ms, speech ${Math.round(rendered.speech.startMs)}–${Math.round(rendered.speech.endMs)} ms; ${opts.format} ${rate} Hz, ${bytes.length} bytes → ${opts.out === '-' ? 'stdout' : opts.out} (${rendered.synthesised ? 'espeak-ng ran' : 'from the speech cache'} ${renderer.cache.dir})\n`,
        );
        return 0;
      }),
    );
}
