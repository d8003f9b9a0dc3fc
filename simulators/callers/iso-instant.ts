const DAY_MS = 86_400_000;
/** 0001-01-01 and 9999-12-31 as day numbers: the years toISOString writes with four digits. */
const FIRST_DAY = -719_162;
const LAST_DAY = 2_932_896;
const TWO_DIGITS = Array.from({ length: 100 }, (_, i) => String(i).padStart(2, '0'));

let cachedDay = Number.NaN;
let cachedDate = '';

/**
 * `new Date(ms).toISOString()` for whole milliseconds, without a Date per call: the date part is
 * formatted once per day, the time of day by arithmetic. A generator writing a million arrivals
 * spent ~6 % of its time in Date.
 */
export function isoInstant(ms: number): string {
  const day = Math.floor(ms / DAY_MS);
  if (!Number.isInteger(ms) || day < FIRST_DAY || day > LAST_DAY) return new Date(ms).toISOString();
  if (day !== cachedDay) {
    cachedDay = day;
    cachedDate = new Date(day * DAY_MS).toISOString().slice(0, 11);
  }
  let rest = ms - day * DAY_MS;
  const hours = Math.floor(rest / 3_600_000);
  rest -= hours * 3_600_000;
  const minutes = Math.floor(rest / 60_000);
  rest -= minutes * 60_000;
  const seconds = Math.floor(rest / 1000);
  const millis = rest - seconds * 1000;
  const milliText = millis < 10 ? `00${millis}` : millis < 100 ? `0${millis}` : String(millis);
  return `${cachedDate}${TWO_DIGITS[hours]}:${TWO_DIGITS[minutes]}:${TWO_DIGITS[seconds]}.${milliText}Z`;
}
