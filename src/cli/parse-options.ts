import { CallstormError } from '../errors/callstorm-error.ts';

export function parseSeed(text: string): number {
  const n = Number(text);
  if (!/^\d+$/.test(text.trim()) || !Number.isSafeInteger(n)) {
    throw new CallstormError('CS_ERR_BAD_ARGUMENT', {
      option: '--seed',
      reason: `"${text}" is not a non-negative integer`,
      fix: 'pass e.g. --seed 42',
    });
  }
  return n;
}
