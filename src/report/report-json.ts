/**
 * JSON for verdict.json: like JSON.stringify, but an error budget spent with none allowed
 * (Infinity) stays readable as the string "Infinity" instead of becoming null.
 */
export function reportJson(value: unknown): string {
  return `${JSON.stringify(
    value,
    (_key, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? String(v) : v),
    2,
  )}\n`;
}
