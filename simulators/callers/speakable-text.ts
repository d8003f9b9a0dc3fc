/**
 * A planned utterance as the caller says it, for the synthesiser: an account or phone number is read
 * out digit by digit ("four oh four …"), as callers do, where espeak-ng would say "forty million …".
 * The transcript the ASR answers with stays the planned text.
 */
const DIGIT_WORDS = ['oh', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine'];

export function speakableText(text: string): string {
  return text.replace(/(?<![\d£$€.,:])\d{5,}(?![\d.,:]\d)/g, (digits) =>
    Array.from(digits, (d) => DIGIT_WORDS[Number(d)]).join(' '),
  );
}
