import { ownValue } from '../util/own-value.ts';

/**
 * Where a caller's data may be processed, by the caller's residency region: the auditor's view
 * the driver judges every dependency call against (UK GDPR adequacy covers the EU; Irish callers
 * stay in the EU). An agent's own configuration may be stricter, never looser.
 */
export const DEFAULT_RESIDENCY_POLICY: Readonly<Record<string, readonly string[]>> = {
  uk: ['uk', 'eu'],
  ie: ['eu'],
};

export function isPermittedRegion(
  callerRegion: string,
  processingRegion: string,
  policy = DEFAULT_RESIDENCY_POLICY,
): boolean {
  const allowed = ownValue(policy, callerRegion) ?? [callerRegion];
  return allowed.includes(processingRegion);
}
