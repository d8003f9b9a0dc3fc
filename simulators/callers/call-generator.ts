import { CallstormError } from '../../src/errors/callstorm-error.ts';
import type { Scenario } from '../../src/scenario/compose-scenario.ts';
import { arrivalTimes } from './arrival-process.ts';
import type { CallPlan } from './call-plan.ts';
import { type CallWindow, resolveWindow } from './call-window.ts';
import { buildCallPlan } from './plan-builder.ts';
import { buildRateCalendar, type CalendarSlot, SLOT_MS } from './rate-calendar.ts';
import type { Shard } from './shard.ts';

export { parseShard, type Shard } from './shard.ts';

export interface GeneratorOptions {
  readonly seed: number;
  /** month | week | peak-day | peak-hour | START/END. Default: month. */
  readonly window?: string;
}

export interface CallGenerator {
  readonly scenario: Scenario;
  readonly seed: number;
  readonly window: CallWindow;
  readonly slots: readonly CalendarSlot[];
  /** Streams the window's plans in arrival order (only shard k of n when given); constant memory. */
  plans(shard?: Shard): Generator<CallPlan>;
  /** Plan number `index` of the window, or undefined past the last arrival. */
  planAt(index: number): CallPlan | undefined;
}

export function createCallGenerator(scenario: Scenario, options: GeneratorOptions): CallGenerator {
  const { seed } = options;
  if (!Number.isSafeInteger(seed) || seed < 0) {
    throw new CallstormError('CS_ERR_BAD_ARGUMENT', {
      option: '--seed',
      reason: `${seed} is not a non-negative integer`,
      fix: 'pass an integer such as --seed 42',
    });
  }
  const slots = buildRateCalendar(scenario);
  const window = resolveWindow(slots, options.window ?? 'month', scenario.stage.calendar.timezone);

  const localDateAt = (epochMs: number): string => {
    let lo = 0;
    let hi = slots.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (slots[mid]!.startMs <= epochMs) lo = mid;
      else hi = mid - 1;
    }
    return slots[lo]!.localDate;
  };
  const build = (index: number, ms: number) => {
    const epochMs = window.startMs + ms;
    return buildCallPlan(scenario, seed, index, { ms, epochMs, localDate: localDateAt(epochMs) });
  };

  let cached: number[] | undefined;
  let cursor: Iterator<number> | undefined;
  let exhausted = false;

  return {
    scenario,
    seed,
    window,
    slots,
    *plans(shard?: Shard) {
      let index = 0;
      for (const ms of arrivalTimes(slots, window, seed)) {
        if (!shard || index % shard.n === shard.k - 1) yield build(index, ms);
        index++;
      }
    },
    planAt(index: number) {
      cached ??= [];
      cursor ??= arrivalTimes(slots, window, seed)[Symbol.iterator]();
      while (!exhausted && cached.length <= index) {
        const next = cursor.next();
        if (next.done) exhausted = true;
        else cached.push(next.value);
      }
      const ms = cached[index];
      return ms === undefined ? undefined : build(index, ms);
    },
  };
}

export { SLOT_MS };
