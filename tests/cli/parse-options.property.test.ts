import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { resolveWindow } from '../../simulators/callers/call-window.ts';
import { buildRateCalendar } from '../../simulators/callers/rate-calendar.ts';
import { daysInMonth, parseWindowSpec, utcOfFields } from '../../simulators/callers/window-spec.ts';
import {
  OPTION_BOUNDS,
  parseChoice,
  parseInteger,
  parseNonEmpty,
  parseNumber,
  parsePort,
  parseSeed,
  parseShard,
  parseSpeed,
  parseWindow,
} from '../../src/cli/parse-options.ts';
import { parseRunSpeed } from '../../src/cli/review-command.ts';
import { CallstormError } from '../../src/errors/callstorm-error.ts';
import { loadScenario } from '../../src/scenario/load-scenario.ts';

/** What a parser may do with any input: return, or throw a CallstormError of these codes naming the option. */
function outcome<T>(parse: () => T, option: string, codes = ['CS_ERR_BAD_ARGUMENT']): T | CallstormError {
  try {
    return parse();
  } catch (error) {
    expect(error).toBeInstanceOf(CallstormError);
    const e = error as CallstormError;
    expect(codes).toContain(e.code);
    if (e.code === 'CS_ERR_BAD_ARGUMENT') expect(e.message).toContain(`bad value for ${option}`);
    expect(e.hint.length).toBeGreaterThan(0);
    return e;
  }
}

/** Strings near what the parsers take: digits, signs, dots, exponents, slashes, dates, junk. */
const nearNumbers = fc.oneof(
  fc.string(),
  fc.stringMatching(/^[-+ ]?[0-9.eE+-]{0,12}$/),
  fc.double().map(String),
  fc.integer().map(String),
  fc.constantFrom(
    '',
    ' ',
    'NaN',
    'Infinity',
    '-Infinity',
    '0x10',
    '1e-308',
    '1e308',
    '1_000',
    '٣',
    '1,5',
    '+0',
    '-0',
  ),
);

const inBounds = (n: number, b: { min: number; max: number }) =>
  Number.isFinite(n) && n >= b.min && n <= b.max;
const RUNS = { numRuns: 2_000, seed: 20261201 };

describe('option parsers: any string gives a value within bounds or a CallstormError, never another exception', () => {
  test('--speed', () => {
    fc.assert(
      fc.property(nearNumbers, (text) => {
        const r = outcome(() => parseSpeed(text), '--speed');
        if (typeof r === 'number') expect(inBounds(r, OPTION_BOUNDS.speed)).toBe(true);
      }),
      RUNS,
    );
    expect(outcome(() => parseSpeed('1e-308'), '--speed')).toBeInstanceOf(CallstormError);
    expect(parseSpeed('120')).toBe(120);
    expect(parseSpeed('2.5e2')).toBe(250);
    for (const bad of ['', ' ', '0', '-5', '0x10', 'Infinity', '10001', '1e5']) {
      expect(
        outcome(() => parseSpeed(bad), '--speed'),
        bad,
      ).toBeInstanceOf(CallstormError);
    }
  });

  test('--seed, ports and counts are whole numbers within their bounds', () => {
    const port = parsePort('--port');
    const parallelism = (t: string) => parseInteger('--parallelism', t, OPTION_BOUNDS.parallelism, '4');
    fc.assert(
      fc.property(nearNumbers, (text) => {
        const seed = outcome(() => parseSeed(text), '--seed');
        if (typeof seed === 'number') {
          expect(Number.isSafeInteger(seed) && seed >= 0).toBe(true);
        }
        const p = outcome(() => port(text), '--port');
        if (typeof p === 'number') expect(Number.isInteger(p) && inBounds(p, OPTION_BOUNDS.port)).toBe(true);
        const n = outcome(() => parallelism(text), '--parallelism');
        if (typeof n === 'number')
          expect(Number.isInteger(n) && inBounds(n, OPTION_BOUNDS.parallelism)).toBe(true);
      }),
      RUNS,
    );
    expect(parseSeed('42')).toBe(42);
    expect(port('0')).toBe(0);
    for (const bad of ['-1', '1.5', '9007199254740993', 'abc', '']) {
      expect(
        outcome(() => parseSeed(bad), '--seed'),
        bad,
      ).toBeInstanceOf(CallstormError);
    }
    for (const bad of ['65536', '-1', '80.0'])
      expect(outcome(() => port(bad), '--port')).toBeInstanceOf(CallstormError);
    expect(outcome(() => parallelism('0'), '--parallelism')).toBeInstanceOf(CallstormError);
  });

  test('any decimal option with bounds', () => {
    fc.assert(
      fc.property(
        nearNumbers,
        fc.double({ min: -1e6, max: 1e6, noNaN: true }),
        fc.double({ min: 0, max: 1e6, noNaN: true }),
        (text, min, width) => {
          const bounds = { min, max: min + width };
          const r = outcome(() => parseNumber('--x', text, bounds, '1'), '--x');
          if (typeof r === 'number') expect(inBounds(r, bounds)).toBe(true);
        },
      ),
      RUNS,
    );
  });

  test('--shard k/n has 1 ≤ k ≤ n ≤ 100,000; the empty string is refused', () => {
    const shards = fc.oneof(
      fc.string(),
      fc.tuple(nearNumbers, nearNumbers).map(([a, b]) => `${a}/${b}`),
      fc
        .tuple(fc.integer({ min: -3, max: 200_000 }), fc.integer({ min: -3, max: 200_000 }))
        .map(([a, b]) => `${a}/${b}`),
    );
    fc.assert(
      fc.property(shards, (text) => {
        const r = outcome(() => parseShard(text), '--shard');
        if (!(r instanceof CallstormError)) {
          expect(Number.isInteger(r.k) && Number.isInteger(r.n)).toBe(true);
          expect(1 <= r.k && r.k <= r.n && r.n <= 100_000).toBe(true);
        }
      }),
      RUNS,
    );
    expect(parseShard('2/4')).toEqual({ k: 2, n: 4 });
    for (const bad of ['', '0/4', '5/4', '1/0', '1/2/3', '1/100001', 'a/b']) {
      expect(
        outcome(() => parseShard(bad), '--shard'),
        bad,
      ).toBeInstanceOf(CallstormError);
    }
  });

  test('--out and --drill: any text but an empty or blank one, returned as written', () => {
    const parse = parseNonEmpty('--out', 'reports/x');
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.stringMatching(/^\s*$/)), (text) => {
        const r = outcome(() => parse(text), '--out');
        if (text.trim() === '') expect(r).toBeInstanceOf(CallstormError);
        else expect(r).toBe(text);
      }),
      RUNS,
    );
    expect((outcome(() => parse(''), '--out') as CallstormError).message).toContain('"" is empty');
  });

  test('choices and a run speed', () => {
    const latency = parseChoice('--latency', ['realistic', 'zero'] as const);
    fc.assert(
      fc.property(
        fc.oneof(fc.string(), fc.constantFrom('realistic', 'zero', '__proto__', 'constructor')),
        (text) => {
          const r = outcome(() => latency(text), '--latency');
          if (typeof r === 'string') expect(['realistic', 'zero']).toContain(r);
          const s = outcome(() => parseRunSpeed(`${text}=${text}`), '--speed');
          if (s instanceof Map)
            for (const v of s.values()) expect(inBounds(v, OPTION_BOUNDS.speed)).toBe(true);
        },
      ),
      RUNS,
    );
    expect(parseRunSpeed('pilot=600', new Map([['scale', 80]]))).toEqual(
      new Map([
        ['scale', 80],
        ['pilot', 600],
      ]),
    );
  });
});

/** `YYYY-MM-DDTHH:MM[:SS]` with fields that may or may not exist. */
const writtenInstant = fc
  .record({
    y: fc.integer({ min: 0, max: 9999 }),
    mo: fc.integer({ min: 0, max: 13 }),
    d: fc.integer({ min: 0, max: 32 }),
    h: fc.integer({ min: 0, max: 25 }),
    mi: fc.integer({ min: 0, max: 99 }),
    s: fc.option(fc.integer({ min: 0, max: 99 }), { nil: undefined }),
    zone: fc.constantFrom('', 'Z', '+01:00', '-05:30', '+19:00', '+01:75'),
  })
  .map(({ y, mo, d, h, mi, s, zone }) => {
    const p = (n: number, w = 2) => String(n).padStart(w, '0');
    return {
      text: `${p(y, 4)}-${p(mo)}-${p(d)}T${p(h)}:${p(mi)}${s === undefined ? '' : `:${p(s)}`}${zone}`,
      exists:
        mo >= 1 &&
        mo <= 12 &&
        d >= 1 &&
        d <= daysInMonth(y, mo) &&
        h <= 23 &&
        mi <= 59 &&
        (s ?? 0) <= 59 &&
        !['+19:00', '+01:75'].includes(zone),
      zone,
    };
  });

describe('--window', () => {
  test('any string: a window, or a CallstormError naming --window (or the unknown window)', () => {
    const windows = fc.oneof(
      fc.string(),
      fc.constantFrom('month', 'week', 'peak-day', 'peak-hour', 'A/B/C', '/', '//', 'peak-hour/'),
      fc.tuple(writtenInstant, writtenInstant).map(([a, b]) => `${a.text}/${b.text}`),
      fc.array(writtenInstant, { minLength: 3, maxLength: 4 }).map((xs) => xs.map((x) => x.text).join('/')),
    );
    fc.assert(
      fc.property(windows, (text) => {
        const r = outcome(() => parseWindow(text), '--window', [
          'CS_ERR_BAD_ARGUMENT',
          'CS_ERR_UNKNOWN_NAME',
        ]);
        if (typeof r === 'string') {
          expect(r).toBe(text);
          const parts = text.split('/');
          expect(parts.length === 1 || parts.length === 2).toBe(true);
        }
      }),
      RUNS,
    );
  });

  test('an instant parses exactly when every field exists; with Z or an offset it is the instant Date.parse reads', () => {
    fc.assert(
      fc.property(writtenInstant, writtenInstant, (a, b) => {
        const r = outcome(() => parseWindowSpec(`${a.text}/${b.text}`), '--window');
        expect(r instanceof CallstormError).toBe(!(a.exists && b.exists));
        if (
          !(r instanceof CallstormError) &&
          r.kind === 'range' &&
          a.zone !== '' &&
          a.text.slice(0, 4) >= '1000'
        ) {
          const offsetMs = (r.start.offsetMinutes ?? 0) * 60_000;
          expect(utcOfFields(r.start) - offsetMs).toBe(Date.parse(a.text));
        }
      }),
      RUNS,
    );
  });

  test('rollovers are refused, each naming the field that does not exist', () => {
    for (const [text, reason] of [
      ['2026-02-30T00:00/2026-03-02T10:00', 'February 2026 has no day 30 (01–28)'],
      ['2026-03-02T25:00/2026-03-02T26:00', 'hour 25 does not exist'],
      ['2026-03-02T09:75/2026-03-02T10:00', 'minute 75 does not exist'],
      ['2026-03-02T09:00:99/2026-03-02T10:00', 'second 99 does not exist'],
      ['2026-03-02T09:00/2026-03-02T10:00/2026-03-02T11:00', '3 parts; a window has exactly two ends'],
      ['2026-03-02T24:00Z/2026-03-03T01:00Z', 'hour 24 does not exist'],
    ]) {
      const e = outcome(() => parseWindow(text!), '--window');
      expect(e, text).toBeInstanceOf(CallstormError);
      expect((e as CallstormError).message).toContain(reason);
    }
  });

  test('local times: every minute of a DST day that exists round-trips; the skipped hour is refused', () => {
    const scenario = loadScenario({ vertical: 'collections', stage: 'scale' });
    const slots = buildRateCalendar(scenario);
    const tz = scenario.stage.calendar.timezone;
    const local = (h: number, m: number) =>
      `2026-03-29T${String(h).padStart(2, '0')}:${String(m).padStart(2, '0')}`;
    let checked = 0;
    for (let h = 0; h < 4; h++) {
      for (const m of [0, 15, 30, 59]) {
        const text = `${local(h, m)}/2026-03-30T12:00`;
        if (h === 1) {
          // Europe/London skips 01:00–01:59 on 29 March 2026.
          const e = outcome(() => resolveWindow(slots, text, tz), '--window');
          expect((e as CallstormError).message).toContain('does not exist in Europe/London');
          continue;
        }
        const w = outcome(() => resolveWindow(slots, text, tz), '--window', ['CS_ERR_WINDOW_EMPTY']);
        if (w instanceof CallstormError) continue;
        const expected = Date.UTC(2026, 2, 29, h - (h >= 2 ? 1 : 0), m);
        expect(w.startMs, text).toBe(Math.max(expected, slots[0]!.startMs));
        checked++;
      }
    }
    expect(checked).toBe(12);
  });
});
