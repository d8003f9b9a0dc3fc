import seedrandom from 'seedrandom';

/** A seeded source of uniform numbers in [0, 1). */
export type Random = () => number;

/** Alea: fast to seed (one per call or request), good enough statistically for simulation. */
export function seeded(...parts: readonly (string | number)[]): Random {
  return seedrandom.alea(parts.join(':'));
}

/** Standard normal by Box–Muller. */
export function normal(rng: Random): number {
  const u = 1 - rng();
  const v = rng();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}

const Z90 = 1.2815515655446004;

/** A lognormal draw given its median and 90th percentile. */
export function lognormal(rng: Random, median: number, p90: number): number {
  const sigma = p90 > median ? Math.log(p90 / median) / Z90 : 0;
  return median * Math.exp(sigma * normal(rng));
}

/** Exponential draw with the given mean. */
export function exponential(rng: Random, mean: number): number {
  return -Math.log(1 - rng()) * mean;
}

/** Gamma(shape, 1) by Marsaglia–Tsang. */
export function gamma(rng: Random, shape: number): number {
  if (shape < 1) return gamma(rng, shape + 1) * rng() ** (1 / shape);
  const d = shape - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  for (;;) {
    let x: number;
    let v: number;
    do {
      x = normal(rng);
      v = 1 + c * x;
    } while (v <= 0);
    v = v * v * v;
    const u = rng();
    if (u < 1 - 0.0331 * x ** 4 || Math.log(u) < 0.5 * x * x + d * (1 - v + Math.log(v))) return d * v;
  }
}

/** Beta draw given its mean and standard deviation (needs sd² < mean × (1 − mean)). */
export function betaMeanSd(rng: Random, mean: number, sd: number): number {
  const common = (mean * (1 - mean)) / (sd * sd) - 1;
  const a = mean * common;
  const b = (1 - mean) * common;
  const x = gamma(rng, a);
  const y = gamma(rng, b);
  return x / (x + y);
}

/** Picks from weights that sum to 1 (the last item absorbs rounding). */
export function pickWeighted<T>(rng: Random, items: readonly { item: T; weight: number }[]): T {
  let u = rng();
  for (const entry of items) {
    u -= entry.weight;
    if (u < 0) return entry.item;
  }
  return items[items.length - 1]!.item;
}

export function pick<T>(rng: Random, items: readonly T[]): T {
  return items[Math.floor(rng() * items.length)]!;
}

/** 32-bit FNV-1a: stable hashing of ids into numbers. */
export function hash32(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}
