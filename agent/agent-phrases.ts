/** What the agent says when the words do not come from the LLM. */

/** The synthetic voice's pace (words a minute), to size pre-recorded prompts. */
const WORDS_PER_MINUTE = 160;

export function estimateAudioMs(text: string): number {
  const words = text.split(/\s+/).filter((w) => /[\p{L}\p{N}]/u.test(w)).length;
  return Math.max(1, Math.round((words * 60_000) / WORDS_PER_MINUTE));
}

/** The greeting: the recording / consent notice comes before any personal data is asked for. */
export function greeting(brand: string, consentRequired: boolean): string {
  const notice = consentRequired
    ? ' This call is recorded for training and quality, and your details are handled under our privacy notice. If you would rather not continue, just say so.'
    : '';
  return `Thank you for calling ${brand}. I'm the virtual assistant.${notice} How can I help you today?`;
}

export const REPROMPT = "Sorry, I didn't quite catch that. Could you say it again, please?";

export const DEAD_LETTER_NOTICE =
  "Our system is a little slow to confirm right now, but your request is saved and you'll get a confirmation by text shortly.";

export const WRITE_FAILED_NOTICE =
  "I'm sorry, I wasn't able to save that just now. I'll pass you to a colleague who can finish it for you.";

const TRANSFER_LINES: Record<string, string> = {
  asr_low_confidence:
    "I'm having trouble hearing you clearly, so I'll put you through to one of my colleagues. Please hold.",
  asr_unavailable:
    "I'm having trouble hearing you, so I'll put you through to one of my colleagues. Please hold.",
  llm_unavailable:
    "I'm sorry, I can't help with that right now. I'll put you through to one of my colleagues. Please hold.",
  tts_unavailable: 'Please hold while I transfer you.',
  caller_requested: "Of course, I'll put you through to one of my colleagues now. Please hold.",
  crm_unavailable:
    "I'm sorry, our systems are having a problem. I'll put you through to one of my colleagues. Please hold.",
};

export function transferLine(reason: string): string {
  return TRANSFER_LINES[reason] ?? "I'll put you through to one of my colleagues now. Please hold.";
}

export const GOODBYE = 'Thanks for calling. Goodbye.';
export const FALLBACK_CONTINUE = 'Is there anything else I can help with?';
