import type { Scenario } from '../../src/scenario/compose-scenario.ts';
import type { CrmOperationName } from '../../src/scenario/crm-operations.ts';
import { type Flow, phrasings } from '../../src/scenario/vertical-schema.ts';
import { ACCOUNT_COUNT, accountAt } from '../dependencies/account-dataset.ts';
import { type Random, lognormal, pick, pickWeighted, seeded } from '../seeded-random.ts';
import {
  CALL_PLAN_SCHEMA,
  type AgentAction,
  type CallPlan,
  type CallerPersona,
  type ExpectedWrite,
  type PlannedTurn,
  type TurnKind,
} from './call-plan.ts';
import { type SlotValue, drawDifferentValue, drawSlotValue } from './slot-values.ts';

const PLACEHOLDER = /\{([A-Za-z][A-Za-z0-9]*)\}/g;
const CLARIFY = ['Sorry, could you say that again?', "Sorry, I didn't catch that.", 'What was that, sorry?', 'Can you repeat that please?'];

export function callIdFor(seed: number, index: number): string {
  return `cs-${seed}-${index}`;
}

/** Draft of a turn before ids and timings are assigned. */
interface TurnDraft {
  kind: TurnKind;
  text: string;
  flow: Flow;
  slots: Record<string, string>;
  reads: CrmOperationName[];
  writes: string[];
  action: AgentAction;
  transferReason?: string;
}

function fill(template: string, values: Readonly<Record<string, string>>): string {
  return template.replace(PLACEHOLDER, (whole, name: string) => values[name] ?? whole);
}

function spokenPersona(p: CallerPersona): Record<string, string> {
  return { ...p };
}

/** What the caller is: drawn once per call. */
interface CallerTraits {
  wpm: number;
}

function words(text: string): number {
  let count = 0;
  let inWord = false;
  for (let i = 0; i < text.length; i++) {
    const space = text.charCodeAt(i) === 32;
    if (!space && !inWord) count++;
    inWord = !space;
  }
  return count;
}

/**
 * Builds call *index* of a scenario. A pure function of (scenario, seed, index, arrival): the
 * generator calls it for each arrival; the simulators call it to recover the ground truth.
 */
export function buildCallPlan(scenario: Scenario, seed: number, index: number, arrival: { ms: number; epochMs: number; localDate: string }): CallPlan {
  const rng: Random = seeded(seed, 'call', index);
  const id = callIdFor(seed, index);
  const { stage, vertical } = scenario;
  const behaviour = stage.behaviour;

  const account = accountAt(Math.floor(rng() * ACCOUNT_COUNT));
  const caller: CallerPersona = {
    name: account.name,
    firstName: account.firstName,
    accountId: account.accountId,
    phone: account.phone,
    postcode: account.postcode,
    dateOfBirth: account.dateOfBirth,
    email: account.email,
  };
  const cohort = pickWeighted(rng, scenario.cohorts);
  const noise = pickWeighted(rng, scenario.noise);
  const complexity = pickWeighted(rng, scenario.complexity);
  const traits: CallerTraits = { wpm: behaviour.speechWpm * (0.85 + rng() * 0.3) };

  const first = pickWeighted(rng, scenario.flows);
  const flows: Flow[] = [first];
  const servable = (f: Flow) => f.inScope && f.category !== 'human' && f.category !== 'out-of-scope';
  if (complexity.intents > 1 && servable(first)) {
    const others = scenario.flows.filter((f) => servable(f.item) && f.item.id !== first.id);
    const total = others.reduce((a, f) => a + f.weight, 0);
    for (let k = 1; k < complexity.intents && others.length > 0; k++) {
      const next = pickWeighted(rng, others.map((o) => ({ item: o.item, weight: o.weight / total })));
      if (!flows.includes(next)) flows.push(next);
    }
  }
  const correcting = rng() < behaviour.correction * complexity.correctionFactor;
  const correctionFlow = correcting ? flows.find((f) => f.correction) : undefined;
  const asksHuman = first.category !== 'human' && rng() < behaviour.askHuman;
  const patienceMs = Math.round(lognormal(rng, behaviour.patience.medianMs, behaviour.patience.p90Ms));

  const persona = spokenPersona(caller);
  const drafts: TurnDraft[] = [];
  const expectedWrites: ExpectedWrite[] = [];
  const opening = fill(pick(rng, phrasings(vertical.opening)), persona);

  flows.forEach((flow, k) => {
    const values: Record<string, SlotValue> = {};
    const said: Record<string, string> = { ...persona };
    for (const [name, slot] of Object.entries(flow.slots)) {
      values[name] = drawSlotValue(slot, rng, arrival.localDate);
      said[name] = values[name].spoken;
    }
    const start = drafts.length;
    flow.turns.forEach((t, j) => {
      const template = pick(rng, phrasings(t.say));
      const text = fill(template, said);
      const given = [...template.matchAll(PLACEHOLDER)].map((m) => m[1] as string).filter((n) => n in values);
      drafts.push({
        kind: k === 0 && j === 0 ? 'open' : 'inform',
        text: k === 0 && j === 0 ? `${opening} ${text}` : text,
        flow,
        slots: Object.fromEntries(given.map((n) => [n, values[n]!.canonical])),
        reads: j === 0 ? [...(flow.reads as CrmOperationName[])] : [],
        writes: [],
        action: 'continue',
      });
      if (correctionFlow === flow && flow.correction && given.includes(flow.correction.slot)) {
        const slotName = flow.correction.slot;
        values[slotName] = drawDifferentValue(flow.slots[slotName]!, rng, arrival.localDate, values[slotName]!);
        said[slotName] = values[slotName].spoken;
        drafts.push({
          kind: 'correction',
          text: fill(pick(rng, phrasings(flow.correction.say)), { ...said, [slotName]: values[slotName]!.spoken }),
          flow,
          slots: { [slotName]: values[slotName]!.canonical },
          reads: [],
          writes: [],
          action: 'continue',
        });
      }
    });
    for (let x = 0; x < complexity.extraTurns; x++) {
      if (rng() < 0.5) continue;
      const at = start + 1 + Math.floor(rng() * (drafts.length - start));
      drafts.splice(at, 0, { kind: 'clarify', text: pick(rng, CLARIFY), flow, slots: {}, reads: [], writes: [], action: 'continue' });
    }
    const last = drafts[drafts.length - 1]!;
    const canonical = { ...caller, ...Object.fromEntries(Object.entries(values).map(([n, v]) => [n, v.canonical])) } as Record<string, string>;
    for (const w of flow.writes) {
      const write: ExpectedWrite = {
        id: `${id}.w${expectedWrites.length}`,
        op: w.op as CrmOperationName,
        flow: flow.id,
        args: Object.fromEntries(Object.entries(w.fields).map(([arg, template]) => [arg, fill(template, canonical)])),
      };
      expectedWrites.push(write);
      last.writes.push(write.id);
    }
    if (flow.outcome.action === 'transfer') {
      last.action = 'transfer';
      last.transferReason = flow.outcome.transferReason;
    }
  });

  const lastFlow = flows[flows.length - 1]!;
  if (drafts[drafts.length - 1]!.action !== 'transfer') {
    drafts.push({ kind: 'close', text: fill(pick(rng, phrasings(vertical.closing)), persona), flow: lastFlow, slots: {}, reads: [], writes: [], action: 'end' });
  }

  let asksForHumanAtTurn: number | null = null;
  if (asksHuman) {
    const at = 1 + Math.floor(rng() * (drafts.length - 1));
    const flow = drafts[Math.min(at, drafts.length - 1)]!.flow;
    drafts.splice(at);
    drafts.push({ kind: 'ask-human', text: pick(rng, phrasings(vertical.askHuman)), flow, slots: {}, reads: [], writes: [], action: 'transfer', transferReason: 'caller_requested' });
    asksForHumanAtTurn = at;
  }

  const kept = new Set(drafts.flatMap((d) => d.writes));
  const turns: PlannedTurn[] = drafts.map((d, n) => {
    const speechMs = Math.round((words(d.text) / traits.wpm) * 60_000 + 250);
    const bargeIn = n > 0 && rng() < behaviour.bargeIn;
    return {
      id: `${id}.u${n}`,
      index: n,
      kind: d.kind,
      text: d.text,
      speechMs,
      thinkMs: n === 0 ? 0 : Math.round(lognormal(rng, behaviour.think.medianMs, behaviour.think.p90Ms)),
      bargeInAtMs: bargeIn ? Math.round(300 + rng() * 2200) : null,
      slots: d.slots,
      expect: {
        intent: d.flow.intent,
        flow: d.flow.id,
        inScope: d.flow.inScope,
        action: d.action,
        ...(d.transferReason ? { transferReason: d.transferReason } : {}),
        reads: d.reads,
        writes: d.writes,
      },
    };
  });
  const end = drafts[drafts.length - 1]!;
  const raised = [...new Set(drafts.map((d) => d.flow))];

  return {
    schema: CALL_PLAN_SCHEMA,
    id,
    index,
    arrivalMs: Math.round(arrival.ms),
    arrivalAt: new Date(Math.round(arrival.epochMs)).toISOString(),
    vertical: vertical.name,
    stage: stage.name,
    caller,
    region: cohort.region,
    locale: cohort.locale,
    cohort: cohort.id,
    noise: noise.id,
    complexity: complexity.id,
    intents: raised.map((f) => f.intent),
    flows: raised.map((f) => f.id),
    consentRequired: true,
    patienceMs,
    asksForHumanAtTurn,
    turns,
    expectedWrites: expectedWrites.filter((w) => kept.has(w.id)),
    expectedEnd: end.action === 'transfer' ? { action: 'transfer', reason: end.transferReason } : { action: 'end' },
  };
}
