import type { CallerPersona } from '../callers/call-plan.ts';
import { pick, type Random } from '../seeded-random.ts';

/** One recognised word, Deepgram-style (times in seconds). */
export interface RecognisedWord {
  readonly word: string;
  readonly start: number;
  readonly end: number;
  readonly confidence: number;
  readonly punctuated_word: string;
}

export interface DegradeInput {
  /** Ground-truth text of the utterance. */
  readonly text: string;
  readonly durationMs: number;
  /** Utterance confidence. */
  readonly confidence: number;
  readonly wordErrorScale: number;
  /** Multiplies the per-word error probability (1 = baseline). */
  readonly errorFactor: number;
  readonly slots: Readonly<Record<string, string>>;
  /** For the identifying opening: at least one of these tokens always survives. */
  readonly persona?: Pick<CallerPersona, 'name' | 'accountId' | 'postcode'>;
}

export interface Degraded {
  readonly transcript: string;
  readonly words: RecognisedWord[];
  readonly errors: number;
  readonly garbledSlots: string[];
}

/** Common recogniser confusions; anything else is substituted from FILLERS. */
const CONFUSIONS: Record<string, readonly string[]> = {
  weekly: ['weakly', 'quickly'],
  monthly: ['mostly', 'month'],
  fortnightly: ['fortnight', 'nightly'],
  pay: ['say', 'play'],
  payment: ['pavement', 'payments'],
  plan: ['plane', 'planned'],
  account: ['count', 'accounts'],
  owe: ['oh', 'know'],
  email: ['e-mail', 'mail'],
  months: ['mums', 'once'],
  thanks: ['thinks', 'tanks'],
  to: ['two', 'too'],
  for: ['four', 'far'],
  can: ["can't", 'could'],
};
const FILLERS = ['the', 'a', 'and', 'uh', 'in', 'that', 'it', 'there', 'on', 'so'] as const;

const core = (token: string): string =>
  token.toLowerCase().replace(/^[^\p{L}\p{N}@]+|[^\p{L}\p{N}@]+$/gu, '');
const digitParts = (value: string): string[] => {
  const parts = (value.match(/\d+/g) ?? []).map((d) => d.replace(/^0+(?=\d)/, ''));
  // A 24-hour time is said on a 12-hour clock: 14:30 → "2:30pm".
  const time = /^(\d{2}):\d{2}$/.exec(value);
  if (time) parts.push(String(Number(time[1]) % 12 || 12));
  return parts;
};

/** Token indices that speak each slot's value. */
export function slotTokens(
  tokens: readonly string[],
  slots: Readonly<Record<string, string>>,
): Map<number, string> {
  const owner = new Map<number, string>();
  const cores = tokens.map(core);
  for (const [slot, value] of Object.entries(slots)) {
    const parts = value.toLowerCase().split(/\s+/).map(core).filter(Boolean);
    let found = false;
    for (let i = 0; parts.length > 0 && i + parts.length <= cores.length; i++) {
      if (parts.every((p, j) => cores[i + j] === p)) {
        for (let j = 0; j < parts.length; j++) owner.set(i + j, slot);
        found = true;
      }
    }
    if (found) continue;
    // A number spoken another way ("14th" for 2026-03-14, "£120" for 120): match by digits.
    const digits = new Set(digitParts(value));
    if (digits.size === 0) continue;
    cores.forEach((c, i) => {
      const own = digitParts(c);
      if (own.length > 0 && own.every((d) => digits.has(d))) owner.set(i, slot);
    });
  }
  return owner;
}

function substitute(token: string, rng: Random): string {
  if (!/[\p{L}\p{N}]/u.test(token)) return pick(rng, FILLERS);
  const lead = token.match(/^[^\p{L}\p{N}]*/u)![0];
  const trail = token.match(/[^\p{L}\p{N}]*$/u)![0];
  const body = token.slice(lead.length, token.length - trail.length);
  let out: string;
  if (/\d/.test(body)) {
    // A misheard number: one digit changes.
    const positions = [...body].map((ch, i) => (/\d/.test(ch) ? i : -1)).filter((i) => i >= 0);
    const at = pick(rng, positions);
    const old = Number(body[at]);
    const digit = (old + 1 + Math.floor(rng() * 9)) % 10;
    out = body.slice(0, at) + digit + body.slice(at + 1);
  } else if (body.includes('@')) {
    const at = Math.floor(rng() * body.indexOf('@'));
    out = body.slice(0, at) + body.slice(at + 1);
  } else {
    const options = CONFUSIONS[body.toLowerCase()];
    out = options ? pick(rng, options) : pick(rng, FILLERS);
    if (out === body.toLowerCase()) out = 'uh';
  }
  return lead + out + trail;
}

/**
 * The recogniser's mistakes: each word is substituted or deleted with probability
 * (1 − confidence) × wordErrorScale × errorFactor. At least one word always survives, and in the
 * opening at least one identifying token (account number, name, postcode), so a call's transcripts
 * stay unique.
 */
export function degradeTranscript(input: DegradeInput, rng: Random): Degraded {
  const tokens = input.text.split(/\s+/).filter(Boolean);
  if (tokens.length === 0) return { transcript: '', words: [], errors: 0, garbledSlots: [] };
  const pError = Math.min(
    0.95,
    Math.max(0, (1 - input.confidence) * input.wordErrorScale * input.errorFactor),
  );
  const kind = tokens.map((): 'ok' | 'sub' | 'del' =>
    rng() < pError ? (rng() < 0.7 ? 'sub' : 'del') : 'ok',
  );

  const protect = (candidates: number[]) => {
    if (candidates.length > 0 && candidates.every((i) => kind[i] !== 'ok')) kind[candidates[0]!] = 'ok';
  };
  if (input.persona) {
    const p = input.persona;
    const ids = [p.accountId, p.postcode, ...p.name.split(/\s+/)].map(core).filter(Boolean);
    const identifying = tokens.map((t, i) => (ids.includes(core(t)) ? i : -1)).filter((i) => i >= 0);
    identifying.sort(
      (a, b) =>
        Number(core(tokens[b]!) === core(p.accountId)) - Number(core(tokens[a]!) === core(p.accountId)),
    );
    protect(identifying);
  }
  protect([Math.floor(rng() * tokens.length)]);

  const owners = slotTokens(tokens, input.slots);
  const garbled = new Set<string>();
  const weights = tokens.map((t) => core(t).length + 1);
  const total = weights.reduce((a, b) => a + b, 0);
  const seconds = Math.max(input.durationMs, 1) / 1000;
  const lead = Math.min(0.08, seconds * 0.05);
  const span = Math.max(seconds - 2 * lead, 0.001);
  const words: RecognisedWord[] = [];
  let cursor = lead;
  tokens.forEach((token, i) => {
    const length = (span * weights[i]!) / total;
    const start = cursor;
    cursor += length;
    if (kind[i] === 'ok') {
      const confidence = Math.min(0.999, input.confidence + (1 - input.confidence) * (0.2 + 0.6 * rng()));
      words.push(word(token, start, cursor, confidence));
      return;
    }
    const slot = owners.get(i);
    if (slot) garbled.add(slot);
    if (kind[i] === 'del') return;
    words.push(word(substitute(token, rng), start, cursor, input.confidence * (0.35 + 0.4 * rng())));
  });
  const errors = kind.filter((k) => k !== 'ok').length;
  return {
    transcript: words.map((w) => w.punctuated_word).join(' '),
    words,
    errors,
    garbledSlots: [...garbled],
  };
}

function word(punctuated: string, start: number, end: number, confidence: number): RecognisedWord {
  return {
    word: core(punctuated) || punctuated.toLowerCase(),
    start: round(start),
    end: round(end),
    confidence: round(confidence),
    punctuated_word: punctuated,
  };
}

const round = (x: number): number => Math.round(x * 1000) / 1000;
