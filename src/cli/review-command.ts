import type { Command } from 'commander';
import { CallstormError } from '../errors/callstorm-error.ts';
import { lazyAction } from './lazy-action.ts';
import { OPTION_BOUNDS, parseNumber, parseSeed, parseSpeed } from './parse-options.ts';

/** `--speed <label>=<factor>`, repeatable: one run's speed. */
export function parseRunSpeed(text: string, previous?: ReadonlyMap<string, number>): Map<string, number> {
  const at = text.indexOf('=');
  const label = text.slice(0, at).trim();
  if (at < 1 || label === '') {
    throw new CallstormError('CS_ERR_BAD_ARGUMENT', {
      option: '--speed',
      reason: `"${text}" is not <run label>=<speed>`,
      fix: 'write e.g. --speed pilot=600 (the labels are the runs of the plan: scenarios/reviews/<plan>.yaml)',
    });
  }
  return new Map(previous).set(label, parseSpeed(text.slice(at + 1)));
}

const parseSpeedFactor = (text: string) =>
  parseNumber('--speed-factor', text, OPTION_BOUNDS.speedFactor, '0.5 (every run at half its speed)');

/** `callstorm review` (what `npm start` runs): a promotion review plan against the reference agent. */
export function registerReview(program: Command): void {
  program
    .command('review')
    .description(
      'the full promotion review: pilot, hardening and scale runs plus the scale drills for both architectures, then gates and reports',
    )
    .option('--vertical <name>', 'vertical to review: collections, appointments, claims', 'collections')
    .option(
      '--plan <name|file>',
      'review plan: a name under scenarios/reviews/ or a Review file',
      'promotion',
    )
    .option('--out <dir>', 'review folder (default reports/review-<time>)')
    .option('--seed <n>', 'seed of every run (0–2^53)', parseSeed, 1)
    .option(
      '--speed <label=factor>',
      "one run's speed instead of the plan's, 0.1–10,000 (repeatable: --speed pilot=600 --speed scale=80)",
      parseRunSpeed,
    )
    .option(
      '--speed-factor <f>',
      "multiplies the plan's speed of every run not given --speed, 0.001–100 (each result within 0.1–10,000)",
      parseSpeedFactor,
    )
    .option(
      '--no-calibrate',
      "use the plan's speeds as they are: no probe of what this machine carries (given --speed or --speed-factor, there is none)",
    )
    .addHelpText(
      'after',
      '\nThe plan lists the runs (stage, window, speed, agent, drill) and the verdicts (a gate over some of the\n' +
        'runs); the shipped one is scenarios/reviews/promotion.yaml. First a short calibration (the idle cores, and\n' +
        "a ten-minute probe of the heaviest run) lowers any run's speed this machine would not carry; a run that is\n" +
        'still invalid is run again once at half its speed. Each verdict is GO, NO-GO or INCONCLUSIVE (the evidence\n' +
        'cannot judge the agent). Exit status: 0 the review ran (whatever the verdicts), 130 on Ctrl-C, 2 for bad input.\n' +
        'Example: callstorm review --vertical claims --speed-factor 0.5',
    )
    .action(lazyAction(() => import('./actions/review.ts')));
}
