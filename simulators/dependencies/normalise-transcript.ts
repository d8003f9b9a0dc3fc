/** Case, punctuation and spacing do not tell two transcripts apart (agents may tidy them). */
export function normaliseTranscript(text: string): string {
  return text
    .toLowerCase()
    .replace(/[^\p{L}\p{N}@£$€]+/gu, ' ')
    .trim();
}
