import { CallstormError } from '../../src/errors/callstorm-error.ts';

/** Part k of n of a window's calls: call i belongs to shard (i mod n) + 1. */
export interface Shard {
  /** 1-based shard number. */
  readonly k: number;
  readonly n: number;
}

/** The most shards a window is split into (a distributed run's runners). */
export const MAX_SHARDS = 100_000;

/** Parses `k/n` with whole numbers 1 ≤ k ≤ n ≤ 100,000; anything else (`''` too) is refused. */
export function parseShard(text: string): Shard {
  const m = /^(\d{1,6})\/(\d{1,6})$/.exec(text.trim());
  const k = m ? Number(m[1]) : Number.NaN;
  const n = m ? Number(m[2]) : Number.NaN;
  if (!m || n < 1 || k < 1 || k > n || n > MAX_SHARDS) {
    throw new CallstormError('CS_ERR_BAD_ARGUMENT', {
      option: '--shard',
      reason: `"${text}" is not k/n with 1 ≤ k ≤ n ≤ ${MAX_SHARDS.toLocaleString('en-GB')}`,
      fix: 'write e.g. --shard 2/4 for the second of four disjoint parts',
    });
  }
  return { k, n };
}
