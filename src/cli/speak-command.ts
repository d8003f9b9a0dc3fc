import type { Command } from 'commander';
import type { SpeechFormat } from '../../simulators/callers/speech-formats.ts';
import { lazyAction } from './lazy-action.ts';
import { parseChoice, parseInteger, parseNonEmpty, parseSeed, parseWindow } from './parse-options.ts';

/** Formats `callstorm speak` writes (the encoders' SPEECH_FORMATS, kept out of the start-up chunk). */
const SPEAK_FORMATS: readonly SpeechFormat[] = ['wav', 'mulaw', 'pcm16'];

const parseRate = (text: string) => parseInteger('--rate', text, { min: 4_000, max: 96_000 }, '16000');
const parseUtterance = (text: string) => parseInteger('--utterance', text, { min: 0, max: 10_000 }, '0');

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
      parseWindow,
      'peak-hour',
    )
    .option('--seed <n>', 'seed of the calls (0–2^53)', parseSeed, 1)
    .requiredOption('--call <callId>', 'call id, cs-<seed>-<index> (see `callstorm generate`)')
    .requiredOption(
      '--utterance <n>',
      "the turn's index in the call (0 = the first thing the caller says)",
      parseUtterance,
    )
    .option(
      '--format <format>',
      `${SPEAK_FORMATS.join(' | ')} (wav and pcm16: PCM16; mulaw: G.711)`,
      parseChoice('--format', SPEAK_FORMATS),
      'wav',
    )
    .option('--rate <hz>', 'sample rate, 4000–96000 (8000 is what a phone line carries)', parseRate, 8000)
    .requiredOption(
      '--out <file>',
      "where to write the audio ('-' for stdout)",
      parseNonEmpty('--out', 'call.wav'),
    )
    .action(lazyAction(() => import('./actions/speak.ts')));
}
