import type { ConsentPhrases } from '../scenario/stage-schema.ts';
import { DEFAULT_NOTICE_PHRASES, DEFAULT_PERSONAL_DATA_PHRASES } from '../scenario/stage-schema.ts';
import type { CallRecord } from '../telemetry/call-record.ts';

/**
 * The longest silence the caller sat through, wall ms: what a streaming transport measured on the
 * played-out audio (`wire.longestDeadAirMs`) when it did; else, from the turn records, the longest
 * wait from the end of the caller's speech to the agent's reply audio (voice-to-voice), to a
 * failure, or to hanging up (the abandoned wait). Null: the caller never waited on the agent.
 */
export function deadAirMs(c: CallRecord): number | null {
  const measured = c.wire?.longestDeadAirMs;
  if (measured !== undefined && measured !== null) return measured;
  let longest: number | null = c.abandonment?.waitedMs ?? null;
  for (const t of c.turns) {
    if (t.voiceToVoiceMs !== null) longest = Math.max(longest ?? 0, t.voiceToVoiceMs);
  }
  return longest;
}

/**
 * Whether a call that required consent heard the recording notice in the greeting before any
 * question for personal data: `given`; `missing` (no notice phrase in the greeting);
 * `after-question` (a personal-data question came first); `not-required`; `unknown` (the record
 * holds no greeting: an older record, no pick-up, or a streaming agent whose greeting was not seen).
 */
export const RECORDING_NOTICE = ['given', 'missing', 'after-question', 'not-required', 'unknown'] as const;
export type RecordingNotice = (typeof RECORDING_NOTICE)[number];

export const DEFAULT_CONSENT_PHRASES: ConsentPhrases = {
  noticePhrases: [...DEFAULT_NOTICE_PHRASES],
  personalDataPhrases: [...DEFAULT_PERSONAL_DATA_PHRASES],
};

/** Lower case, letters and digits only, single spaces: phrases match whatever the punctuation. */
export function normalisedWords(text: string): string {
  return ` ${text
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim()} `;
}

function firstAt(words: string, phrases: readonly string[]): number {
  let at = -1;
  for (const p of phrases) {
    const key = normalisedWords(p);
    if (key.trim() === '') continue;
    const i = words.indexOf(key);
    if (i >= 0 && (at < 0 || i < at)) at = i;
  }
  return at;
}

export function recordingNotice(
  c: CallRecord,
  phrases: ConsentPhrases = DEFAULT_CONSENT_PHRASES,
): RecordingNotice {
  if (c.consentRequired === false) return 'not-required';
  if (c.consentRequired === undefined || c.greeting === undefined) return 'unknown';
  const words = normalisedWords(c.greeting);
  const notice = firstAt(words, phrases.noticePhrases);
  if (notice < 0) return 'missing';
  const question = firstAt(words, phrases.personalDataPhrases);
  return question >= 0 && question < notice ? 'after-question' : 'given';
}
