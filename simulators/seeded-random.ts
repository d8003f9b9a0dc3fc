/** A seeded source of uniform numbers in [0, 1). */
export type Random = () => number;

/**
 * A generator seeded from its parts (run seed, call index, utterance id, attempt…). Seeding
 * happens once per call and per simulated request, so it must be cheap: cyrb128 hashes the parts
 * into 128 bits and sfc32 (PractRand-clean) draws from them. seedrandom's Alea spent ~2.4 µs a
 * seed hashing strings with Mash, a fifth of the generator's budget per plan.
 */
export function seeded(...parts: readonly (string | number)[]): Random {
  const key = parts.join(':');
  let h1 = 1779033703;
  let h2 = 3144134277;
  let h3 = 1013904242;
  let h4 = 2773480762;
  for (let i = 0; i < key.length; i++) {
    const k = key.charCodeAt(i);
    h1 = h2 ^ Math.imul(h1 ^ k, 597399067);
    h2 = h3 ^ Math.imul(h2 ^ k, 2869860233);
    h3 = h4 ^ Math.imul(h3 ^ k, 951274213);
    h4 = h1 ^ Math.imul(h4 ^ k, 2716044179);
  }
  h1 = Math.imul(h3 ^ (h1 >>> 18), 597399067);
  h2 = Math.imul(h4 ^ (h2 >>> 22), 2869860233);
  h3 = Math.imul(h1 ^ (h3 >>> 17), 951274213);
  h4 = Math.imul(h2 ^ (h4 >>> 19), 2716044179);
  const next = sfc32((h1 ^ h2 ^ h3 ^ h4) >>> 0, (h2 ^ h1) >>> 0, (h3 ^ h1) >>> 0, (h4 ^ h1) >>> 0);
  for (let i = 0; i < 12; i++) next();
  return next;
}

/**
 * The sfc32 step. The closure is returned anonymous: bound to a name inside `seeded`, tsx's
 * keep-names transform wrapped every new one in a defineProperty call (~2 % of the generator).
 */
function sfc32(a: number, b: number, c: number, d: number): Random {
  return () => {
    a |= 0;
    b |= 0;
    c |= 0;
    d |= 0;
    const t = (((a + b) | 0) + d) | 0;
    d = (d + 1) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) | 0;
    return (t >>> 0) / 4294967296;
  };
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
