import { Agent, request } from 'undici';
import { z } from 'zod';

/** Asks whether the bot's reply to an utterance was a reprompt; never rejects (unknown → false). */
export type RepromptCheck = (callId: string, utteranceId: string) => Promise<boolean>;

const callSpeechSchema = z.object({ spoken: z.array(z.object({ utteranceId: z.string().optional() })) });
const summarySchema = z.object({ attributed: z.number() });

/** How often the run-wide "does attribution work for this bot" question is asked again (ms). */
const SUMMARY_EVERY_MS = 5_000;

/**
 * How a caller knows the bot reprompted, from the TTS simulator's record of what it was asked to
 * say (`POST <tts control>/speech/call {callId}`): the TTS simulator attributes every text it
 * speaks to the LLM reply — call and caller utterance — it came from. When the bot has spoken
 * after utterance u and none of this call's speech is attributed to u, the bot said something
 * its LLM did not answer u with: a reprompt ("sorry, could you say that again?"), or the LLM
 * simulator not recognising the transcript (a greeting-like fallback). Only asked once this run's
 * TTS log has attributed anything at all, so a bot whose speech does not come through the
 * suite's LLM and TTS is never taken to reprompt. Requests are bounded; an error answers false.
 */
export function createTtsRepromptCheck(
  ttsControlUrl: string,
  options: { timeoutMs?: number } = {},
): RepromptCheck & {
  close(): Promise<void>;
} {
  const base = ttsControlUrl.replace(/\/+$/, '');
  const timeout = options.timeoutMs ?? 2_000;
  const dispatcher = new Agent({ connections: 8, headersTimeout: timeout, bodyTimeout: timeout });
  let attributionSeen = false;
  let summaryAskedAt = Number.NEGATIVE_INFINITY;

  const attributionWorks = async (): Promise<boolean> => {
    if (attributionSeen) return true;
    if (performance.now() - summaryAskedAt < SUMMARY_EVERY_MS) return false;
    summaryAskedAt = performance.now();
    const res = await request(`${base}/speech`, { dispatcher, signal: AbortSignal.timeout(timeout) });
    const body = await res.body.json();
    attributionSeen = res.statusCode === 200 && summarySchema.parse(body).attributed > 0;
    return attributionSeen;
  };

  const check = async (callId: string, utteranceId: string): Promise<boolean> => {
    try {
      const res = await request(`${base}/speech/call`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ callId }),
        dispatcher,
        signal: AbortSignal.timeout(timeout),
      });
      const body = await res.body.json();
      if (res.statusCode !== 200) return false;
      const spoken = callSpeechSchema.parse(body).spoken;
      if (spoken.some((s) => s.utteranceId === utteranceId)) return false;
      if (spoken.length > 0) attributionSeen = true;
      return await attributionWorks();
    } catch {
      return false;
    }
  };
  return Object.assign(check, { close: () => dispatcher.close() });
}
