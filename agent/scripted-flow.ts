import type { CrmOperationName } from '../src/scenario/crm-operations.ts';

/**
 * The scripted tier: when no permitted LLM answers, the top read-only intents are still served
 * from keyword detection on the transcript and CRM reads; anything else goes to a person.
 */
export type ScriptedIntent =
  | 'balance_enquiry'
  | 'claim_status'
  | 'check_appointment'
  | 'goodbye'
  | 'speak_to_human';

interface Rule {
  readonly intent: ScriptedIntent;
  readonly match: RegExp;
  readonly unless?: RegExp;
}

/** Order matters: a caller asking for a person wins over anything else they said. */
const RULES: readonly Rule[] = [
  {
    intent: 'speak_to_human',
    match: /\b(real person|human|adviser|advisor|someone|operator|put me through)\b/,
  },
  {
    intent: 'claim_status',
    match: /\bclaim\b/,
    unless: /\b(make|making|report|reporting|new|open|add|adding|paperwork|invoice|receipt)\b/,
  },
  {
    intent: 'check_appointment',
    match: /\b(appointment|booked in)\b/,
    unless: /\b(cancel|move|moving|reschedule|change|new|book an?|make an?)\b/,
  },
  {
    intent: 'balance_enquiry',
    match: /\b(balance|owe|arrears|behind by|outstanding)\b/,
    unless: /\b(plan|arrangement|pay .* on|promise)\b/,
  },
  {
    intent: 'goodbye',
    match: /\b(bye|goodbye|that's everything|that's all|that is all|nothing else|cheers|thanks|thank you)\b/,
  },
];

export function detectScriptedIntent(transcript: string): ScriptedIntent | null {
  const text = transcript.toLowerCase().replace(/[’‘]/g, "'");
  for (const rule of RULES) {
    if (rule.match.test(text) && !rule.unless?.test(text)) return rule.intent;
  }
  return null;
}

/** The CRM read that answers a scripted intent. */
export const SCRIPTED_READS: Partial<Record<ScriptedIntent, CrmOperationName>> = {
  balance_enquiry: 'get_balance',
  claim_status: 'get_claim_status',
  check_appointment: 'list_appointments',
};

/** An 8-digit account number spoken in the transcript (digits may be spaced out). */
export function accountIdIn(transcript: string): string | null {
  const compact = transcript.replace(/(\d)[\s-](?=\d)/g, '$1');
  return /\b(\d{8})\b/.exec(compact)?.[1] ?? null;
}

const spokenDate = (iso: string): string => {
  const d = new Date(`${iso}T12:00:00Z`);
  return Number.isNaN(d.getTime())
    ? iso
    : d.toLocaleDateString('en-GB', { weekday: 'long', day: 'numeric', month: 'long', timeZone: 'UTC' });
};

/** What the scripted tier says, from the CRM read's answer. */
export function scriptedAnswer(intent: ScriptedIntent, data: unknown): string {
  const anything = ' Is there anything else I can help with?';
  switch (intent) {
    case 'balance_enquiry': {
      const b = data as { balance?: string; arrears?: string } | null;
      if (!b?.balance) break;
      const arrears =
        b.arrears && Number(b.arrears) > 0
          ? `, of which £${b.arrears} is overdue`
          : ', and nothing is overdue';
      return `Your balance is £${b.balance}${arrears}.${anything}`;
    }
    case 'claim_status': {
      const claims = (data as { claims?: { claimType?: string; status?: string }[] } | null)?.claims;
      if (!claims) break;
      if (claims.length === 0) return `I can't see an open claim on your account.${anything}`;
      const c = claims[0]!;
      return `Your ${c.claimType ?? ''} claim is ${String(c.status ?? 'open').replace(/-/g, ' ')}.${anything}`.replace(
        /\s+/g,
        ' ',
      );
    }
    case 'check_appointment': {
      const list = (data as { appointments?: { service?: string; date?: string; time?: string }[] } | null)
        ?.appointments;
      if (!list) break;
      if (list.length === 0) return `You don't have any appointments booked at the moment.${anything}`;
      const a = list[0]!;
      return `Your next appointment is a ${a.service ?? 'visit'} on ${spokenDate(a.date ?? '')} at ${a.time ?? ''}.${anything}`;
    }
    default:
      break;
  }
  return `I'm sorry, I couldn't find that just now.${anything}`;
}
