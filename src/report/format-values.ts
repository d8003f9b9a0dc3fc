/** Number formatting shared by the report's HTML, Markdown, JUnit and chart labels. */

export const percent = (share: number | null, digits = 1): string =>
  share === null || !Number.isFinite(share) ? '—' : `${(share * 100).toFixed(digits)} %`;

/** Percentage points between two shares, signed: `−21.3 pts`. */
export const points = (delta: number): string =>
  `${delta < 0 ? '−' : '+'}${Math.abs(delta * 100).toFixed(1)} pts`;

export const pounds = (amount: number | null): string =>
  amount === null || !Number.isFinite(amount) ? '—' : `£${amount.toFixed(2)}`;

export const count = (n: number): string => n.toLocaleString('en-GB');

export const milliseconds = (ms: number | null): string =>
  ms === null ? '—' : ms >= 10_000 ? `${(ms / 1000).toFixed(1)} s` : `${Math.round(ms)} ms`;

/** Share of an error budget consumed (Infinity: none was allowed and some was spent). */
export const budgetShare = (share: number): string =>
  share === Number.POSITIVE_INFINITY ? '∞ (none allowed)' : percent(share, 0);

/** Scenario time as the report shows it: `1 h 05 min`, `23 min`, `2 d 04 h`. */
export function scenarioTime(ms: number): string {
  const minutes = Math.round(ms / 60_000);
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return `${hours} h ${String(minutes % 60).padStart(2, '0')} min`;
  return `${Math.floor(hours / 24)} d ${String(hours % 24).padStart(2, '0')} h`;
}
