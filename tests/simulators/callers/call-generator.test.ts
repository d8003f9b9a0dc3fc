import { describe, expect, test } from 'vitest';
import { createCallGenerator } from '../../../simulators/callers/call-generator.ts';
import type { CallPlan } from '../../../simulators/callers/call-plan.ts';
import { localPartsFormatter } from '../../../simulators/callers/rate-calendar.ts';
import { loadScenario } from '../../../src/scenario/load-scenario.ts';

const scale = loadScenario({ vertical: 'collections', stage: 'scale' });
const monthOfScale: CallPlan[] = [...createCallGenerator(scale, { seed: 11 }).plans()];

/** Chi-square statistic and degrees of freedom of observed counts against expected shares. */
function chiSquare(observed: Map<string, number>, shares: Record<string, number>, n: number) {
  let stat = 0;
  for (const [key, share] of Object.entries(shares)) {
    const expected = share * n;
    stat += ((observed.get(key) ?? 0) - expected) ** 2 / expected;
  }
  return { stat, df: Object.keys(shares).length - 1 };
}

/** Upper 0.1 % critical value of chi-square by the Wilson–Hilferty approximation. */
function critical(df: number): number {
  const z = 3.09;
  return df * (1 - 2 / (9 * df) + z * Math.sqrt(2 / (9 * df))) ** 3;
}

function count<T>(items: readonly T[], key: (t: T) => string): Map<string, number> {
  const m = new Map<string, number>();
  for (const item of items) m.set(key(item), (m.get(key(item)) ?? 0) + 1);
  return m;
}

describe('call generator', () => {
  test('a month of the scale stage has a call count within Poisson bounds of 50,000', () => {
    // 4 standard deviations of Poisson(50,000) ≈ ±894.
    expect(Math.abs(monthOfScale.length - 50_000)).toBeLessThan(4 * Math.sqrt(50_000));
  });

  test('same scenario and seed give identical plans; another seed gives other plans', () => {
    const a = [...createCallGenerator(scale, { seed: 3, window: 'peak-hour' }).plans()].map((p) =>
      JSON.stringify(p),
    );
    const b = [...createCallGenerator(scale, { seed: 3, window: 'peak-hour' }).plans()].map((p) =>
      JSON.stringify(p),
    );
    const c = [...createCallGenerator(scale, { seed: 4, window: 'peak-hour' }).plans()].map((p) =>
      JSON.stringify(p),
    );
    expect(a.join('\n')).toBe(b.join('\n'));
    expect(c.join('\n')).not.toBe(a.join('\n'));
  });

  test('shards are disjoint and their union is the whole stream', () => {
    const g = createCallGenerator(scale, { seed: 5, window: 'peak-day' });
    const whole = [...g.plans()].map((p) => JSON.stringify(p));
    const parts = [1, 2, 3].map((k) => [...g.plans({ k, n: 3 })].map((p) => JSON.stringify(p)));
    const union = parts.flat();
    expect(union.length).toBe(whole.length);
    expect(new Set(union).size).toBe(whole.length);
    expect(new Set(union)).toEqual(new Set(whole));
  });

  test('planAt(i) is the i-th plan of the stream', () => {
    const g = createCallGenerator(scale, { seed: 9, window: 'peak-hour' });
    const all = [...g.plans()];
    for (const i of [0, 7, all.length - 1]) expect(g.planAt(i)).toEqual(all[i]);
    expect(g.planAt(all.length)).toBeUndefined();
  });

  test('cohort and flow proportions pass a chi-square test at N ≈ 50,000', () => {
    const cohorts = chiSquare(
      count(monthOfScale, (p) => p.cohort),
      scale.stage.population.dialects,
      monthOfScale.length,
    );
    expect(cohorts.stat).toBeLessThan(critical(cohorts.df));
    const flowShares = Object.fromEntries(scale.flows.map((f) => [f.item.id, f.weight]));
    const flows = chiSquare(
      count(monthOfScale, (p) => p.flows[0]!),
      flowShares,
      monthOfScale.length,
    );
    expect(flows.stat).toBeLessThan(critical(flows.df));
  });

  test('the intraday histogram follows the configured curve', () => {
    const local = localPartsFormatter('Europe/London');
    const bySlot = count(monthOfScale, (p) => {
      const t = local(Date.parse(p.arrivalAt)).time;
      return `${t.slice(0, 2)}:${Number(t.slice(3)) < 30 ? '00' : '30'}`;
    });
    // Expected share per slot from the same calendar the generator used.
    const g = createCallGenerator(scale, { seed: 11 });
    const expected: Record<string, number> = {};
    for (const s of g.slots) expected[s.localTime] = (expected[s.localTime] ?? 0) + s.expected / 50_000;
    const shares = Object.fromEntries(Object.entries(expected).filter(([, v]) => v > 0));
    const { stat, df } = chiSquare(bySlot, shares, monthOfScale.length);
    expect(stat).toBeLessThan(critical(df));
    // And the shape is the double peak: late morning and late afternoon beat lunchtime and the evening.
    const at = (t: string) => bySlot.get(t) ?? 0;
    expect(at('10:00')).toBeGreaterThan(1.4 * at('12:30'));
    expect(at('16:00')).toBeGreaterThan(1.4 * at('12:30'));
    expect(at('10:00')).toBeGreaterThan(3 * at('19:30'));
    expect(bySlot.get('07:30') ?? 0).toBe(0);
    expect(bySlot.get('20:00') ?? 0).toBe(0);
  });

  test("Monday's index shows: more calls per Monday than per midweek day", () => {
    const local = localPartsFormatter('Europe/London');
    const days = new Map<string, { weekday: string; n: number }>();
    for (const p of monthOfScale) {
      const l = local(Date.parse(p.arrivalAt));
      const d = days.get(l.date) ?? { weekday: l.weekday, n: 0 };
      d.n++;
      days.set(l.date, d);
    }
    // Exclude month-end and payday (their own peaks) from the comparison.
    const plain = [...days.entries()].filter(
      ([date]) => !['2026-03-25', '2026-03-26', '2026-03-27', '2026-03-30', '2026-03-31'].includes(date),
    );
    const mean = (w: string[]) => {
      const xs = plain.filter(([, d]) => w.includes(d.weekday)).map(([, d]) => d.n);
      return xs.reduce((a, b) => a + b, 0) / xs.length;
    };
    const ratio = mean(['mon']) / mean(['wed', 'thu']);
    // Monday index 1.3 and the Monday-morning surge (×1.35, 08:00–11:00) ⇒ about 1.43.
    expect(ratio).toBeGreaterThan(1.3);
    expect(ratio).toBeLessThan(1.6);
    expect([...days.values()].filter((d) => d.weekday === 'sun').every((d) => d.n === 0)).toBe(true);
  });

  test('pilot traffic is selection-biased and scale traffic is the long tail', () => {
    const pilot = [
      ...createCallGenerator(loadScenario({ vertical: 'collections', stage: 'pilot' }), { seed: 2 }).plans(),
    ];
    expect(new Set(pilot.flatMap((p) => p.flows))).toEqual(
      new Set(['payment-arrangement', 'balance-enquiry']),
    );
    expect(new Set(pilot.map((p) => p.cohort)).size).toBeLessThanOrEqual(4);
    expect(new Set(monthOfScale.map((p) => p.cohort)).size).toBeGreaterThanOrEqual(12);
    const share = (plans: CallPlan[], f: (p: CallPlan) => boolean) => plans.filter(f).length / plans.length;
    expect(share(monthOfScale, (p) => p.flows.length > 1)).toBeGreaterThan(0.05);
    expect(share(pilot, (p) => p.flows.length > 1)).toBe(0);
    expect(share(monthOfScale, (p) => p.turns.some((t) => t.bargeInAtMs !== null))).toBeGreaterThan(
      3 * share(pilot, (p) => p.turns.some((t) => t.bargeInAtMs !== null)),
    );
    const median = (xs: number[]) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
    expect(median(pilot.map((p) => p.patienceMs))).toBeGreaterThan(
      1.6 * median(monthOfScale.map((p) => p.patienceMs)),
    );
  });

  test('every plan is internally consistent: writes are expected on a turn, corrections change the written value', () => {
    for (const plan of monthOfScale.slice(0, 5_000)) {
      const onTurns = plan.turns.flatMap((t) => t.expect.writes);
      expect(new Set(onTurns)).toEqual(new Set(plan.expectedWrites.map((w) => w.id)));
      expect(plan.turns[0]!.text).toContain(plan.caller.accountId);
      const last = plan.turns[plan.turns.length - 1]!;
      expect(last.expect.action).toBe(plan.expectedEnd.action);
      if (plan.asksForHumanAtTurn !== null) expect(last.kind).toBe('ask-human');
      for (const t of plan.turns.filter((x) => x.kind === 'correction')) {
        const [slot, value] = Object.entries(t.slots)[0]!;
        const earlier = plan.turns
          .slice(0, t.index)
          .reverse()
          .find((x) => slot in x.slots);
        expect(earlier?.slots[slot]).not.toBe(value);
        const write = plan.expectedWrites.find((w) => Object.values(w.args).includes(value));
        if (plan.expectedWrites.length > 0 && plan.asksForHumanAtTurn === null) expect(write).toBeDefined();
      }
    }
  });
});
