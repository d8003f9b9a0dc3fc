import { parseWindowSpec } from '../../simulators/callers/window-spec.ts';
import { CallstormError } from '../errors/callstorm-error.ts';
import { SPEED_BOUNDS } from '../scenario/speed-bounds.ts';

/**
 * The option parsers every command uses, each given to commander as the option's argument parser,
 * so a bad value is refused before any work (and before the command's action module loads). Each
 * returns a value within its documented bounds or throws CS_ERR_BAD_ARGUMENT naming the option and
 * the fix; nothing else (tests/cli/parse-options.property.test.ts).
 */

/** The documented bounds (README "Option bounds", and each option's help text). */
export const OPTION_BOUNDS = {
  /** Scenario time ÷ wall time (see SPEED_BOUNDS). */
  speed: SPEED_BOUNDS,
  seed: { min: 0, max: Number.MAX_SAFE_INTEGER },
  port: { min: 0, max: 65_535 },
  /** k6 runners (execution segments). */
  parallelism: { min: 1, max: 1_000 },
  /** The reference agent's per-turn latency budget. */
  budgetMs: { min: 1, max: 600_000 },
  asrWordErrorFactor: { min: 0, max: 10 },
  /** A speed factor the review applies to every run's speed. */
  speedFactor: { min: 0.001, max: 100 },
  /** `--agent-ready-timeout`, seconds. */
  agentReadyTimeoutS: { min: 0.1, max: 3_600 },
} as const;

export interface Bounds {
  readonly min: number;
  readonly max: number;
}

const DECIMAL = /^\+?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i;
const INTEGER = /^\+?\d+$/;

function bad(option: string, text: string, reason: string, fix: string): CallstormError {
  return new CallstormError('CS_ERR_BAD_ARGUMENT', { option, reason: `"${text}" ${reason}`, fix });
}

const kindOf = (b: Bounds) => (b.min > 0 ? 'positive ' : b.min === 0 ? 'non-negative ' : '');

const show = (n: number) => n.toLocaleString('en-GB', { maximumFractionDigits: 3 });

/** A number (decimal, optionally with an exponent) within [min, max]. */
export function parseNumber(option: string, text: string, bounds: Bounds, example: string): number {
  const t = text.trim();
  const n = Number(t);
  if (!DECIMAL.test(t) || !Number.isFinite(n)) {
    throw bad(option, text, `is not a ${kindOf(bounds)}number`, `pass e.g. ${option} ${example}`);
  }
  if (n < bounds.min || n > bounds.max) {
    throw bad(
      option,
      text,
      `is outside ${show(bounds.min)}–${show(bounds.max)}`,
      `pass a value from ${show(bounds.min)} to ${show(bounds.max)}, e.g. ${option} ${example}`,
    );
  }
  return n;
}

/** A whole number within [min, max]. */
export function parseInteger(option: string, text: string, bounds: Bounds, example: string): number {
  const t = text.trim();
  const n = Number(t);
  if (!INTEGER.test(t) || !Number.isSafeInteger(n)) {
    throw bad(option, text, `is not a ${kindOf(bounds)}integer`, `pass e.g. ${option} ${example}`);
  }
  if (n < bounds.min || n > bounds.max) {
    throw bad(
      option,
      text,
      `is outside ${show(bounds.min)}–${show(bounds.max)}`,
      `pass a whole number from ${show(bounds.min)} to ${show(bounds.max)}, e.g. ${option} ${example}`,
    );
  }
  return n;
}

export const parseSeed = (text: string): number => parseInteger('--seed', text, OPTION_BOUNDS.seed, '42');

export const parseSpeed = (text: string): number =>
  parseNumber('--speed', text, OPTION_BOUNDS.speed, '120 (120 scenario seconds per wall second)');

export function parsePort(option: string): (text: string) => number {
  return (text) => parseInteger(option, text, OPTION_BOUNDS.port, '8080 (0 = any free port)');
}

/** `--shard k/n`: whole numbers with 1 ≤ k ≤ n ≤ 100,000. */
export { parseShard } from '../../simulators/callers/shard.ts';

/** `--window`: a window name or START/END, checked here; returned as written (the generator resolves it). */
export function parseWindow(text: string): string {
  parseWindowSpec(text);
  return text;
}

/** One of a fixed set of words. */
export function parseChoice<T extends string>(option: string, choices: readonly T[]): (text: string) => T {
  return (text) => {
    if ((choices as readonly string[]).includes(text)) return text as T;
    throw new CallstormError('CS_ERR_BAD_ARGUMENT', {
      option,
      reason: `"${text}"`,
      fix: `use ${choices.join(' or ')}`,
    });
  };
}

/** For repeatable options: each value appended to the ones before. */
export const collect = (value: string, previous: readonly string[] = []): string[] => [...previous, value];
