import type { CallRecord } from '../telemetry/call-record.ts';
import { percentile } from '../util/percentile.ts';
import type { FieldValue, MetricEvent } from './metric-events.ts';
import type { Condition, Measure } from './metric-query.ts';
import { costPerResolved, type PriceList } from './price-list.ts';

function holds(c: Condition, event: MetricEvent): boolean {
  const v = event.get(c.field);
  const list = Array.isArray(v) ? (v as readonly string[]) : null;
  switch (c.kind) {
    case 'flag':
      return (v === true) !== c.negated;
    case 'in': {
      const hit = list ? list.some((x) => c.values.includes(x)) : c.values.includes(v as FieldValue);
      return hit !== c.negated;
    }
    case 'compare': {
      if (list) {
        const has = list.includes(c.value as string);
        return c.op === '!=' ? !has : c.op === '=' ? has : false;
      }
      const x = v as FieldValue;
      switch (c.op) {
        case '=':
          return x === c.value;
        case '!=':
          return x !== c.value;
        default:
          // Null never compares as a number: a turn without a reply is not "≤ 3500 ms".
          if (typeof x !== 'number' || typeof c.value !== 'number') return false;
          if (c.op === '<') return x < c.value;
          if (c.op === '<=') return x <= c.value;
          if (c.op === '>') return x > c.value;
          return x >= c.value;
      }
    }
  }
}

/** The event meets every condition. */
export function matches(where: readonly Condition[], event: MetricEvent): boolean {
  return where.every((c) => holds(c, event));
}

/**
 * The value of a measure over a set of events (null: nothing to measure). Aggregates use the
 * events of their own source; cost uses the calls behind them.
 */
export function measureValue(
  measure: Measure,
  events: readonly MetricEvent[],
  prices: PriceList,
): number | null {
  if (measure.kind === 'cost-per-resolved') {
    const calls = [...new Set(events.map((e) => e.call))] as CallRecord[];
    const value = costPerResolved(calls, prices);
    if (value === null) return null;
    return measure.vsBaseline ? value / prices.humanBaselinePerCall : value;
  }
  const values: number[] = [];
  for (const e of events) {
    if (!matches(measure.where, e)) continue;
    const v = e.get(measure.field);
    if (typeof v === 'number') values.push(v);
  }
  if (values.length === 0) return null;
  const a = measure.aggregate;
  switch (a.kind) {
    case 'percentile':
      return percentile(values, a.p);
    case 'mean':
      return values.reduce((s, x) => s + x, 0) / values.length;
    case 'sum':
      return values.reduce((s, x) => s + x, 0);
    case 'min':
      return values.reduce((m, x) => Math.min(m, x), Number.POSITIVE_INFINITY);
    case 'max':
      return values.reduce((m, x) => Math.max(m, x), Number.NEGATIVE_INFINITY);
  }
}
