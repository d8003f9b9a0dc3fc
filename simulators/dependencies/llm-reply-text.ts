import type { CallPlan, ExpectedWrite, PlannedTurn } from '../callers/call-plan.ts';
import { pick, type Random } from '../seeded-random.ts';

/** What the agent says to the caller after a turn, as a production LLM would phrase it. */
export interface ReplyContext {
  readonly plan: CallPlan;
  readonly turn: PlannedTurn;
  /** The intent the model believes it is serving (may be wrong). */
  readonly intent: string;
  readonly correct: boolean;
  readonly writes: readonly ExpectedWrite[];
  readonly terminal: { readonly action: 'continue' | 'transfer' | 'end'; readonly reason?: string };
}

const NEXT_STEP: Record<string, readonly string[]> = {
  payment_arrangement: [
    'How much could you afford each time, and how often?',
    "Let's set up a plan that works for you. What could you pay, and from when?",
  ],
  balance_enquiry: [
    "I've got your balance up now: you're a couple of payments behind.",
    'Your current balance and arrears are on screen now, let me take you through them.',
  ],
  promise_to_pay: [
    'Thanks for letting us know. How much will you pay, and on what date?',
    'No problem. What amount can you pay, and when?',
  ],
  payment_holiday: [
    "I'm sorry to hear that. Can you tell me a little about what's happened, and how long you need?",
    'We can look at some breathing space. What is the reason, and for how many months?',
  ],
  update_contact_details: [
    'Of course. What is the new email address?',
    'Sure, what email would you like us to use?',
  ],
  dispute_debt: ['I understand you want to dispute this.', "I'm sorry you think this isn't right."],
  speak_to_human: ['Of course.', 'No problem.'],
};

const GENERIC_NEXT = [
  'Right, I can help with that. Could you tell me a bit more?',
  'Okay. What would you like to do today?',
];

function describeWrite(w: ExpectedWrite): string {
  const a = w.args;
  switch (w.op) {
    case 'create_payment_arrangement':
      return `a plan of £${a['amount']} ${a['frequency']} starting ${a['firstPaymentDate']}`;
    case 'record_promise_to_pay':
      return `your promise to pay £${a['amount']} on ${a['date']}`;
    case 'record_payment_holiday_request':
      return `a request for ${a['months']} months' breathing space because of ${a['reason']}`;
    case 'update_contact_details':
      return `your email as ${a['email']}`;
    case 'book_appointment':
      return `an appointment on ${a['date']} at ${a['time']}`;
    case 'reschedule_appointment':
      return `your appointment moved to ${a['date']} at ${a['time']}`;
    default:
      return w.op.replace(/_/g, ' ');
  }
}

export function replyText(ctx: ReplyContext, rng: Random): string {
  const first = ctx.plan.caller.firstName;
  if (ctx.terminal.action === 'transfer') {
    return ctx.terminal.reason === 'caller_requested' || ctx.intent === 'speak_to_human'
      ? pick(rng, [
          "Of course, I'll put you through to one of my colleagues now.",
          'No problem, transferring you to an adviser now, please hold.',
        ])
      : pick(rng, [
          "That's something one of my colleagues needs to look at. I'll transfer you now.",
          "I can't help with that myself, but I'll put you through to someone who can.",
        ]);
  }
  if (ctx.terminal.action === 'end') {
    return pick(rng, [
      `Thanks for calling, ${first}. Take care, goodbye.`,
      `You're welcome, ${first}. Have a good day, bye.`,
      'Glad I could help. Goodbye.',
    ]);
  }
  if (ctx.writes.length > 0) {
    const done = ctx.writes.map(describeWrite).join(' and ');
    return pick(rng, [
      `All done: I've recorded ${done}. Is there anything else?`,
      `That's set up: ${done}. Anything else I can help with?`,
    ]);
  }
  switch (ctx.turn.kind) {
    case 'open':
      return `Thanks ${first}, I've found your account. ${pick(rng, NEXT_STEP[ctx.intent] ?? GENERIC_NEXT)}`;
    case 'clarify':
      return pick(rng, [
        'Sorry about that, let me say it again more clearly.',
        'Of course. To repeat what I said:',
      ]);
    case 'correction':
      return pick(rng, ["No problem, I've updated that.", "Thanks, I've changed that for you."]);
    default:
      return pick(rng, NEXT_STEP[ctx.intent] ?? GENERIC_NEXT);
  }
}

/** A misheard value: one digit of a number, a day of a date, an hour of a time, a letter of a word. */
export function misheardValue(value: string, rng: Random): string {
  const date = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (date) {
    const d = new Date(Date.UTC(Number(date[1]), Number(date[2]) - 1, Number(date[3])));
    d.setUTCDate(d.getUTCDate() + pick(rng, [-2, -1, 1, 2, 10]));
    return d.toISOString().slice(0, 10);
  }
  const time = /^(\d{2}):(\d{2})$/.exec(value);
  if (time)
    return `${String((Number(time[1]) + pick(rng, [-2, -1, 1, 2]) + 24) % 24).padStart(2, '0')}:${time[2]}`;
  const digits = [...value].map((c, i) => (/\d/.test(c) ? i : -1)).filter((i) => i >= 0);
  if (digits.length > 0) {
    // The leading digits are the ones a listener mishears ("fifteen" / "fifty").
    const at = digits[Math.floor(rng() * Math.min(2, digits.length))]!;
    const next = (Number(value[at]) + 1 + Math.floor(rng() * 8)) % 10;
    const out = value.slice(0, at) + next + value.slice(at + 1);
    return /^0\d/.test(out) && !/^0/.test(value) ? `1${out.slice(1)}` : out;
  }
  if (value.length <= 1) return `${value}${value}`;
  const at = Math.floor(rng() * value.length);
  return value.slice(0, at) + value.slice(at + 1);
}
