import type { CallRecord } from '../telemetry/call-record.ts';
import { type BudgetUnit, burnDown, burnRateWindows, errorBudget } from './error-budget.ts';
import { type EventContext, eventsOf, type MetricEvent } from './metric-events.ts';
import type { Measure } from './metric-query.ts';
import type { PriceList } from './price-list.ts';
import type { SloResult } from './run-evaluation.ts';
import { matches, measureValue } from './select-events.ts';
import type { CompiledSlo } from './slo-set.ts';

export interface SloInput {
  readonly calls: readonly CallRecord[];
  readonly context: EventContext;
  readonly prices: PriceList;
  /** Scenario ms the evaluation covers, from 0 (at least the window; later if calls ended later). */
  readonly endMs: number;
}

function sliceIndex(atMs: number, windowMs: number): number {
  return Math.max(0, Math.floor(atMs / windowMs));
}

function compare(value: number, op: 'lte' | 'lt' | 'gte' | 'gt', limit: number): boolean {
  if (op === 'lte') return value <= limit;
  if (op === 'lt') return value < limit;
  if (op === 'gte') return value >= limit;
  return value > limit;
}

/** `96.4 %`, `99.95 %`, `100 %`. */
export function pct(x: number): string {
  const v = x * 100;
  const fixed = Number.isInteger(v) ? String(v) : v >= 99 && v < 100 ? v.toFixed(2) : v.toFixed(1);
  return `${fixed.includes('.') ? fixed.replace(/0+$/, '').replace(/\.$/, '') : fixed} %`;
}

/** `£0.84`, `0.92 × baseline`, `3,412 ms`, `0.81`. */
export function formatMeasure(m: Measure, value: number): string {
  if (m.kind === 'cost-per-resolved')
    return m.vsBaseline ? `${value.toFixed(2)} × human baseline` : `£${value.toFixed(2)}`;
  if (m.field.endsWith('Ms')) return `${Math.round(value).toLocaleString('en-GB')} ms`;
  return Number.isInteger(value) ? String(value) : value.toFixed(3);
}

const OP_TEXT = { lte: '≤', lt: '<', gte: '≥', gt: '>' } as const;

function minutes(ms: number): string {
  return ms % 60_000 === 0 ? `${ms / 60_000}m` : `${ms / 1000}s`;
}

/**
 * Met, missed, or null when the units cannot tell: none at all, or fewer than `minEvents` with no
 * more bad ones than the objective allows over `minEvents` (more good units could still meet it).
 * Below the minimum a miss counts only once the bad units overspend the budget of `minEvents`
 * units: a zero-tolerance objective is missed by its first bad unit, however few there are.
 */
export function judged(good: number, total: number, target: number, minEvents: number): boolean | null {
  if (total === 0) return null;
  if (total >= minEvents) return good / total >= target;
  const bad = total - good;
  return bad > (1 - target) * minEvents + 1e-9 ? false : null;
}

/**
 * One SLO objective over a run's calls: measured (good ÷ total events or slices), target,
 * pass, error budget, burn rates and burn-down. Pure.
 */
export function evaluateSlo(slo: CompiledSlo, input: SloInput): SloResult & { readonly runMeasure?: string } {
  const ind = slo.indicator;
  let units: BudgetUnit[];
  let indicator: string;
  let runMeasure: string | undefined;
  if (ind.kind === 'ratio') {
    const total = eventsOf(ind.total.source, input.calls, input.context).filter((e) =>
      matches(ind.total.where, e),
    );
    const isGood = (e: MetricEvent) => matches(ind.part.where, e) !== ind.countsBad;
    if (slo.timeSlice === null) {
      units = total.map((e) => ({ atMs: e.atMs, good: isGood(e) }));
      indicator = ind.text;
    } else {
      const { windowMs, target: sliceTarget } = slo.timeSlice;
      const slices = new Map<number, { n: number; good: number }>();
      for (const e of total) {
        const k = sliceIndex(e.atMs, windowMs);
        const s = slices.get(k) ?? { n: 0, good: 0 };
        s.n++;
        if (isGood(e)) s.good++;
        slices.set(k, s);
      }
      units = [...slices.entries()].map(([k, s]) => ({
        atMs: (k + 1) * windowMs,
        good: s.good / s.n >= (sliceTarget ?? 1),
      }));
      indicator = `${minutes(windowMs)} slices where ${ind.text} ≥ ${pct(sliceTarget ?? 1)} / all ${minutes(windowMs)} slices with events`;
    }
  } else {
    const { windowMs } = slo.timeSlice!;
    const m = ind.measure;
    const source = m.kind === 'cost-per-resolved' ? 'calls' : m.source;
    const events = eventsOf(source, input.calls, input.context);
    const bySlice = new Map<number, MetricEvent[]>();
    for (const e of events) {
      const k = sliceIndex(e.atMs, windowMs);
      const list = bySlice.get(k) ?? [];
      list.push(e);
      bySlice.set(k, list);
    }
    units = [];
    for (const [k, list] of bySlice) {
      const v = measureValue(m, list, input.prices);
      if (v !== null) units.push({ atMs: (k + 1) * windowMs, good: compare(v, ind.op, ind.value) });
    }
    const overall = measureValue(m, events, input.prices);
    runMeasure = overall === null ? 'no data' : formatMeasure(m, overall);
    indicator = `${minutes(windowMs)} slices with ${ind.text} / all ${minutes(windowMs)} slices with data`;
  }
  units.sort((a, b) => a.atMs - b.atMs);
  const good = units.filter((u) => u.good).length;
  const total = units.length;
  const measured = total === 0 ? null : good / total;
  const passed = judged(good, total, slo.target, slo.minEvents);
  const endMs = Math.max(input.endMs, units.at(-1)?.atMs ?? 0);
  const unitWord = slo.budgetingMethod === 'Timeslices' ? ' of slices' : '';
  const thresholdText =
    ind.kind === 'threshold' ? ` with ${OP_TEXT[ind.op]} ${formatMeasure(ind.measure, ind.value)}` : '';
  return {
    name: slo.name,
    displayName: slo.displayName,
    description: slo.description,
    indicator,
    budgetingMethod: slo.budgetingMethod,
    target: slo.target,
    good,
    total,
    measured,
    display: {
      value:
        measured === null
          ? 'no data'
          : `${pct(measured)}${unitWord}${runMeasure !== undefined ? ` (run: ${runMeasure})` : ''}`,
      target: `≥ ${pct(slo.target)}${unitWord}${thresholdText}`,
    },
    passed,
    minEvents: slo.minEvents,
    errorBudget: errorBudget(units, slo.target),
    burnRates: burnRateWindows(units, slo.target, slo.timeWindowMs, endMs),
    burnDown: burnDown(units, slo.target, endMs),
    ...(runMeasure !== undefined ? { runMeasure } : {}),
  };
}
