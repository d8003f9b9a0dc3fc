/**
 * What a TwiML document a bot posts to a live call (`Twiml=` on the call resource) does to it, as
 * far as the harness cares: does the call leave the bot for a person (`<Dial>` or `<Enqueue>`),
 * does it end (`<Hangup/>`, `<Reject/>`), and with which reason and queue. Not a general XML
 * parser: TwiML verbs are matched by name (case-sensitive, as Twilio reads them), attributes in
 * single or double quotes, the five XML entities and numeric character references decoded.
 */
export interface TwimlInstructions {
  /** The document dials (`<Dial>`) or queues (`<Enqueue>`) the caller: a transfer to a person. */
  readonly transfer: boolean;
  /** The document ends the call (`<Hangup/>` or `<Reject/>`) before any transfer verb. */
  readonly hangUp: boolean;
  /** `value` of the first `<Parameter name="reason" value="…"/>`, anywhere in the document. */
  readonly reason: string | null;
  /**
   * Who the caller is put through to: `<Enqueue>` text, else the `<Identity>` or `<Client>` text,
   * else the `<Number>`, `<Sip>` or `<Queue>` text, else the text directly inside `<Dial>`.
   */
  readonly queue: string | null;
}

/** Longest TwiML document read (Twilio's own limit for `Twiml` is 4,000 characters). */
export const MAX_TWIML_CHARS = 64 * 1024;

const ENTITIES: Readonly<Record<string, string>> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

/** Decodes XML entities (`&amp;`, `&#39;`, `&#x27;`); an unknown entity stays as written. */
export function decodeXmlText(text: string): string {
  return text.replace(/&(#x[0-9a-fA-F]{1,6}|#[0-9]{1,7}|[a-zA-Z]+);/g, (whole, body: string) => {
    if (body.startsWith('#')) {
      const code = body[1] === 'x' ? Number.parseInt(body.slice(2), 16) : Number.parseInt(body.slice(1), 10);
      return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : whole;
    }
    return ENTITIES[body] ?? whole;
  });
}

/** The attributes of one start tag's attribute text (`name="reason" value='x'`). */
function attributes(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const m of text.matchAll(/([A-Za-z_][\w.-]*)\s*=\s*(?:"([^"]*)"|'([^']*)')/g)) {
    if (!out.has(m[1]!)) out.set(m[1]!, decodeXmlText(m[2] ?? m[3] ?? ''));
  }
  return out;
}

/** Text inside the first `<tag …>text</tag>` (trimmed, decoded), or null. */
function textOf(twiml: string, tag: string): string | null {
  const m = new RegExp(`<${tag}(?:\\s[^>]*)?>([^<]*)</${tag}\\s*>`).exec(twiml);
  const text = m ? decodeXmlText(m[1]!).trim() : '';
  return text === '' ? null : text;
}

/** Index of the first start or empty tag of `verb`, or -1. */
function verbAt(twiml: string, verb: string): number {
  const m = new RegExp(`<${verb}(?=[\\s/>])`).exec(twiml);
  return m ? m.index : -1;
}

/** Reads what a TwiML document does to a call. Never throws; an unreadable document does nothing. */
export function readTwiml(input: string): TwimlInstructions {
  const twiml = input.length > MAX_TWIML_CHARS ? input.slice(0, MAX_TWIML_CHARS) : input;
  const transferAt = Math.min(
    ...[verbAt(twiml, 'Dial'), verbAt(twiml, 'Enqueue')].map((i) => (i < 0 ? Number.POSITIVE_INFINITY : i)),
  );
  const hangUpAt = Math.min(
    ...[verbAt(twiml, 'Hangup'), verbAt(twiml, 'Reject')].map((i) => (i < 0 ? Number.POSITIVE_INFINITY : i)),
  );
  const transfer = Number.isFinite(transferAt) && transferAt < hangUpAt;
  let reason: string | null = null;
  for (const m of twiml.matchAll(/<Parameter(\s[^>]*?)\/?>/g)) {
    const attrs = attributes(m[1]!);
    if (attrs.get('name') === 'reason') {
      reason = attrs.get('value') ?? null;
      break;
    }
  }
  let queue: string | null = null;
  if (transfer) {
    queue =
      textOf(twiml, 'Enqueue') ??
      textOf(twiml, 'Identity') ??
      textOf(twiml, 'Client') ??
      textOf(twiml, 'Number') ??
      textOf(twiml, 'Sip') ??
      textOf(twiml, 'Queue') ??
      textOf(twiml, 'Dial');
  }
  return { transfer, hangUp: !transfer && Number.isFinite(hangUpAt), reason: reason || null, queue };
}
