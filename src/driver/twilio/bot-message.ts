/** One message from the bot, as the Twilio side reads it. */
export type BotMessage =
  | { readonly kind: 'media'; readonly audio: Buffer; readonly streamSidOk: boolean }
  | { readonly kind: 'mark'; readonly name: string; readonly streamSidOk: boolean }
  | { readonly kind: 'clear'; readonly streamSidOk: boolean }
  /** Valid but not something a bot sends Twilio (`connected`, `dtmf`, …): ignored, as Twilio does. */
  | { readonly kind: 'ignored'; readonly event: string }
  /** Unusable: why, in a few words (counted and named in the call's record). */
  | { readonly kind: 'malformed'; readonly reason: string };

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;
const IGNORED = new Set(['connected', 'start', 'stop', 'dtmf']);

const malformed = (reason: string): BotMessage => ({ kind: 'malformed', reason });

/**
 * Reads a WebSocket message from the bot: `media` (`media.payload`, base64 μ-law 8 kHz, any
 * length), `mark` (`mark.name`), `clear`. Binary frames, text that is not a JSON object, an
 * unknown `event`, a media message without a usable payload and a mark without a name are
 * malformed: counted, never fatal. A missing or foreign `streamSid` is honoured but flagged.
 */
export function parseBotMessage(data: Buffer | string, isBinary: boolean, streamSid: string): BotMessage {
  if (isBinary) return malformed('binary frame');
  let message: unknown;
  try {
    message = JSON.parse(typeof data === 'string' ? data : data.toString('utf8'));
  } catch {
    return malformed('not JSON');
  }
  if (typeof message !== 'object' || message === null || Array.isArray(message))
    return malformed('not a JSON object');
  const m = message as Record<string, unknown>;
  const event = m['event'];
  if (typeof event !== 'string') return malformed('no "event"');
  const streamSidOk = m['streamSid'] === streamSid;
  switch (event) {
    case 'media': {
      const media = m['media'];
      const payload =
        typeof media === 'object' && media !== null
          ? (media as Record<string, unknown>)['payload']
          : undefined;
      if (typeof payload !== 'string') return malformed('media without a payload');
      if (payload.length === 0) return malformed('media with an empty payload');
      if (payload.length % 4 !== 0 || !BASE64.test(payload)) return malformed('media payload not base64');
      return { kind: 'media', audio: Buffer.from(payload, 'base64'), streamSidOk };
    }
    case 'mark': {
      const mark = m['mark'];
      const name =
        typeof mark === 'object' && mark !== null ? (mark as Record<string, unknown>)['name'] : undefined;
      if (typeof name !== 'string' || name === '') return malformed('mark without a name');
      return { kind: 'mark', name, streamSidOk };
    }
    case 'clear':
      return { kind: 'clear', streamSidOk };
    default:
      return IGNORED.has(event)
        ? { kind: 'ignored', event }
        : malformed(`unknown event "${event.slice(0, 40)}"`);
  }
}
