import { z } from 'zod';

const UNIT_MS = { h: 3_600_000, m: 60_000, s: 1_000, ms: 1 } as const;
const PATTERN = /^(?:(\d+(?:\.\d+)?)h)?(?:(\d+(?:\.\d+)?)m(?!s))?(?:(\d+(?:\.\d+)?)s)?(?:(\d+)ms)?$/;

/**
 * Parses a scenario-time duration: `90s`, `10m`, `1h30m`, `2m30s`, `250ms`, `0s`. Returns
 * milliseconds, or undefined when the text is not a duration.
 */
export function parseScenarioDuration(text: string): number | undefined {
  const m = PATTERN.exec(text.trim());
  if (!m || text.trim() === '' || m.slice(1).every((g) => g === undefined)) return undefined;
  const [, h, min, s, ms] = m;
  return Math.round(
    Number(h ?? 0) * UNIT_MS.h + Number(min ?? 0) * UNIT_MS.m + Number(s ?? 0) * UNIT_MS.s + Number(ms ?? 0),
  );
}

/** Formats milliseconds back to the shortest `1h30m` / `90s` form (for logs and reports). */
export function formatScenarioDuration(ms: number): string {
  if (ms === 0) return '0s';
  let rest = Math.round(ms);
  let out = '';
  for (const [unit, size] of Object.entries(UNIT_MS)) {
    const n = Math.floor(rest / size);
    if (n > 0) {
      out += `${n}${unit}`;
      rest -= n * size;
    }
  }
  return out;
}

/** A duration in scenario time, written `"10m"`, parsed to milliseconds. */
export const scenarioDuration = z.string().transform((text, ctx) => {
  const ms = parseScenarioDuration(text);
  if (ms === undefined) {
    ctx.addIssue({
      code: 'custom',
      message: `"${text}" is not a duration: write it like "90s", "10m", "1h30m" or "250ms"`,
    });
    return z.NEVER;
  }
  return ms;
});
