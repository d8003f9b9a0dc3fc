import type { BurnRateWindow, SloResult } from './run-evaluation.ts';

/**
 * Error-budget maths over budget units: events (Occurrences) or time slices (Timeslices), each
 * good or bad at a scenario time. Pure; docs/slos.md works the formulas through.
 */
export interface BudgetUnit {
  readonly atMs: number;
  readonly good: boolean;
}

/** The SRE workbook's multiwindow, multi-burn-rate alerts, defined for a 30-day budgeting period. */
export const SRE_WORKBOOK_WINDOWS = [
  { name: '1h/5m', longMs: 3_600_000, shortMs: 300_000, threshold: 14.4 },
  { name: '6h/30m', longMs: 21_600_000, shortMs: 1_800_000, threshold: 6 },
  { name: '3d/6h', longMs: 259_200_000, shortMs: 21_600_000, threshold: 1 },
] as const;
export const WORKBOOK_PERIOD_MS = 30 * 86_400_000;

/**
 * Window lengths scale with the SLO's budgeting period: the workbook's pairs are for 30 days
 * (1h at 14.4 spends 2 % of a 30-day budget), so an SLO with a 7-day timeWindow uses 7/30 of each.
 */
export function burnWindowScale(timeWindowMs: number): number {
  return timeWindowMs / WORKBOOK_PERIOD_MS;
}

/** Budget over the run: allowed = (1 − target) × units; consumed = bad units. */
export function errorBudget(units: readonly BudgetUnit[], target: number): SloResult['errorBudget'] {
  const consumed = units.filter((u) => !u.good).length;
  const allowed = (1 - target) * units.length;
  const consumedShare = allowed > 0 ? consumed / allowed : consumed > 0 ? Number.POSITIVE_INFINITY : 0;
  return { allowed, consumed, consumedShare, remainingShare: 1 - consumedShare };
}

/** Sorted unit times and bad-unit prefix counts, for counts over (from, to]. */
class UnitIndex {
  readonly times: number[];
  readonly badBefore: number[];
  constructor(units: readonly BudgetUnit[]) {
    const sorted = [...units].sort((a, b) => a.atMs - b.atMs);
    this.times = sorted.map((u) => u.atMs);
    this.badBefore = [0];
    for (const u of sorted) this.badBefore.push(this.badBefore.at(-1)! + (u.good ? 0 : 1));
  }
  /** Number of units with atMs ≤ x. */
  upTo(x: number): number {
    let lo = 0;
    let hi = this.times.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.times[mid]! <= x) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
  /** Burn rate over (t − w, t]: bad share ÷ allowed share; 0 with no units. */
  burn(t: number, w: number, allowedShare: number): number {
    const a = this.upTo(t - w);
    const b = this.upTo(t);
    const n = b - a;
    if (n === 0) return 0;
    const bad = this.badBefore[b]! - this.badBefore[a]!;
    if (allowedShare <= 0) return bad > 0 ? Number.POSITIVE_INFINITY : 0;
    return bad / n / allowedShare;
  }
}

/**
 * Burn rates over the workbook's window pairs, scaled by `burnWindowScale`, in scenario time.
 * Evaluated at every time either window's contents change, from the moment the short window is
 * full (t ≥ short) to `endMs`; a window reaching back before the run's start holds what the run
 * has (it is clipped at 0), so a pair whose short window is longer than the run is judged once,
 * at `endMs`, over the whole run. An alert fires where both windows burn above the threshold.
 */
export function burnRateWindows(
  units: readonly BudgetUnit[],
  target: number,
  timeWindowMs: number,
  endMs: number,
): BurnRateWindow[] {
  const index = new UnitIndex(units);
  const allowedShare = 1 - target;
  const scale = burnWindowScale(timeWindowMs);
  return SRE_WORKBOOK_WINDOWS.map((pair) => {
    const long = pair.longMs * scale;
    const short = pair.shortMs * scale;
    // A pair whose short window is longer than the run is judged once, at the end, over the run.
    const from = Math.min(short, endMs);
    const candidates = new Set<number>([from, endMs]);
    for (const t of index.times) {
      candidates.add(t);
      candidates.add(t + long);
      candidates.add(t + short);
    }
    let maxLong = 0;
    let maxShort = 0;
    let firstFired: number | null = null;
    for (const t of [...candidates].sort((a, b) => a - b)) {
      if (t < from || t > endMs) continue;
      const l = index.burn(t, long, allowedShare);
      const s = index.burn(t, short, allowedShare);
      if (l > maxLong) maxLong = l;
      if (s > maxShort) maxShort = s;
      if (firstFired === null && l > pair.threshold && s > pair.threshold) firstFired = t;
    }
    return {
      name: pair.name,
      longWindowMs: long,
      shortWindowMs: short,
      threshold: pair.threshold,
      maxLongBurnRate: maxLong,
      maxShortBurnRate: maxShort,
      fired: firstFired !== null,
      firstFiredAtMs: firstFired,
    };
  });
}

/** Remaining budget share at `points + 1` evenly spaced times from 0 to `endMs`. */
export function burnDown(
  units: readonly BudgetUnit[],
  target: number,
  endMs: number,
  points = 100,
): SloResult['burnDown'] {
  const index = new UnitIndex(units);
  const allowed = (1 - target) * units.length;
  const out: { atMs: number; remainingShare: number }[] = [];
  for (let k = 0; k <= points; k++) {
    const atMs = (endMs * k) / points;
    const bad = index.badBefore[index.upTo(atMs)]!;
    const consumed = allowed > 0 ? bad / allowed : bad > 0 ? Number.POSITIVE_INFINITY : 0;
    out.push({ atMs, remainingShare: 1 - consumed });
  }
  return out;
}
