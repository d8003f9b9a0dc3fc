/** A text message a live `/v1/listen` client sent, as Deepgram reads it. */
export type ListenClientMessage =
  | { readonly type: 'KeepAlive' | 'Finalize' | 'CloseStream' }
  | { readonly type: 'Configure'; readonly keyterms?: unknown }
  /** Not a message Deepgram can act on: answered with an `Error` (`SchemaError`) and counted. */
  | { readonly type: 'invalid'; readonly kind: string; readonly description: string };

const TEXT_LIMIT = 64 * 1024;

export function parseListenClientMessage(text: string): ListenClientMessage {
  if (text.length > TEXT_LIMIT)
    return { type: 'invalid', kind: 'text-too-large', description: 'text message too large' };
  let message: unknown;
  try {
    message = JSON.parse(text);
  } catch {
    return { type: 'invalid', kind: 'malformed-json', description: 'could not parse the message as JSON' };
  }
  const type =
    message !== null && typeof message === 'object' ? (message as { type?: unknown }).type : undefined;
  switch (type) {
    case 'KeepAlive':
    case 'Finalize':
    case 'CloseStream':
      return { type };
    case 'Configure':
      return { type, keyterms: (message as { keyterms?: unknown }).keyterms };
    default:
      return {
        type: 'invalid',
        kind: 'unknown-message',
        description:
          typeof type === 'string'
            ? `unknown message type "${type}": expected KeepAlive, Finalize, CloseStream or Configure`
            : 'the message has no string "type"',
      };
  }
}
