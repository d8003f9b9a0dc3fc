import type { Scenario } from '../../src/scenario/compose-scenario.ts';
import type { CrmOperationName } from '../../src/scenario/crm-operations.ts';
import { type Flow, PERSONA_FIELDS, phrasings, type Slot } from '../../src/scenario/vertical-schema.ts';
import { ACCOUNT_COUNT, accountAt } from '../dependencies/account-dataset.ts';
import { lognormal, pick, pickWeighted, type Random, seeded } from '../seeded-random.ts';
import {
  type AgentAction,
  CALL_PLAN_SCHEMA,
  type CallerPersona,
  type CallPlan,
  type ExpectedWrite,
  type PlannedTurn,
  type TurnKind,
} from './call-plan.ts';
import { type CompiledTemplate, compileTemplate, fillTemplate } from './compiled-template.ts';
import { isoInstant } from './iso-instant.ts';
import { drawDifferentValue, drawSlotValue } from './slot-values.ts';

const CLARIFY = [
  'Sorry, could you say that again?',
  "Sorry, I didn't catch that.",
  'What was that, sorry?',
  'Can you repeat that please?',
];

export function callIdFor(seed: number, index: number): string {
  return `cs-${seed}-${index}`;
}

/** Draft of a turn before ids and timings are assigned. */
interface TurnDraft {
  kind: TurnKind;
  text: string;
  flow: CompiledFlow;
  slots: Record<string, string>;
  reads: CrmOperationName[];
  writes: string[];
  action: AgentAction;
  transferReason?: string;
}

/** A phrasing of a flow turn with the flow slots it gives (name and index in the values). */
interface CompiledTurnTemplate {
  readonly template: CompiledTemplate;
  readonly gives: readonly { readonly name: string; readonly index: number }[];
  /** Whether it says the value the caller may correct. */
  readonly givesCorrected: boolean;
}

interface CompiledFlow {
  readonly flow: Flow;
  /** Number of values a call of this flow holds: the persona fields, then the flow's slots. */
  readonly size: number;
  readonly slots: readonly { readonly slot: Slot; readonly index: number }[];
  readonly turns: readonly (readonly CompiledTurnTemplate[])[];
  readonly correction?: {
    readonly index: number;
    readonly name: string;
    readonly say: readonly CompiledTemplate[];
  };
  readonly writes: readonly {
    readonly op: CrmOperationName;
    readonly fields: readonly [string, CompiledTemplate][];
  }[];
  /** Flows that can follow this one in a multi-intent call, with normalised weights. */
  readonly followers: readonly { item: CompiledFlow; weight: number }[];
}

/** The scenario with every template compiled once; built on first use and kept per scenario. */
interface CompiledScenario {
  readonly flows: readonly { item: CompiledFlow; weight: number }[];
  readonly opening: readonly CompiledTemplate[];
  readonly closing: readonly CompiledTemplate[];
  readonly askHuman: readonly CompiledTemplate[];
}

const compiledScenarios = new WeakMap<Scenario, CompiledScenario>();

/** Values of the caller's persona, in the order of PERSONA_FIELDS (the first indices of every layout). */
const PERSONA_LAYOUT: ReadonlyMap<string, number> = new Map(PERSONA_FIELDS.map((f, i) => [f, i]));

function servable(f: Flow): boolean {
  return f.inScope && f.category !== 'human' && f.category !== 'out-of-scope';
}

function compileAll(
  p: Parameters<typeof phrasings>[0],
  layout: ReadonlyMap<string, number>,
): CompiledTemplate[] {
  return phrasings(p).map((t) => compileTemplate(t, layout));
}

function compileFlow(flow: Flow): CompiledFlow {
  // A slot named like a persona field takes that field's place, as it overrides it in templates.
  const layout = new Map(PERSONA_LAYOUT);
  for (const name of Object.keys(flow.slots)) if (!layout.has(name)) layout.set(name, layout.size);
  const isSlot = (name: string) => Object.hasOwn(flow.slots, name);
  const turn = (template: CompiledTemplate): CompiledTurnTemplate => {
    const gives = template.names.filter(isSlot).map((name) => ({ name, index: layout.get(name)! }));
    return { template, gives, givesCorrected: gives.some((g) => g.name === flow.correction?.slot) };
  };
  return {
    flow,
    size: layout.size,
    slots: Object.entries(flow.slots).map(([name, slot]) => ({ slot, index: layout.get(name)! })),
    turns: flow.turns.map((t) => compileAll(t.say, layout).map(turn)),
    // The schema checks that the corrected slot is one of the flow's.
    ...(flow.correction
      ? {
          correction: {
            index: layout.get(flow.correction.slot)!,
            name: flow.correction.slot,
            say: compileAll(flow.correction.say, layout),
          },
        }
      : {}),
    writes: flow.writes.map((w) => ({
      op: w.op as CrmOperationName,
      fields: Object.entries(w.fields).map(
        ([arg, t]) => [arg, compileTemplate(t, layout)] as [string, CompiledTemplate],
      ),
    })),
    followers: [],
  };
}

function compileScenario(scenario: Scenario): CompiledScenario {
  const compiled = scenario.flows.map(({ item, weight }) => ({ item: compileFlow(item), weight }));
  for (const { item } of compiled) {
    const others = compiled.filter((o) => servable(o.item.flow) && o.item !== item);
    const total = others.reduce((a, o) => a + o.weight, 0);
    (item.followers as { item: CompiledFlow; weight: number }[]).push(
      ...others.map((o) => ({ item: o.item, weight: o.weight / total })),
    );
  }
  const v = scenario.vertical;
  return {
    flows: compiled,
    opening: compileAll(v.opening, PERSONA_LAYOUT),
    closing: compileAll(v.closing, PERSONA_LAYOUT),
    askHuman: compileAll(v.askHuman, PERSONA_LAYOUT),
  };
}

function compiledFor(scenario: Scenario): CompiledScenario {
  let c = compiledScenarios.get(scenario);
  if (!c) {
    c = compileScenario(scenario);
    compiledScenarios.set(scenario, c);
  }
  return c;
}

/** Words in a text (runs of non-spaces), found with indexOf: a charCodeAt loop cost twice as much. */
function words(text: string): number {
  let count = text.length > 0 && text.charCodeAt(0) !== 32 ? 1 : 0;
  for (let i = text.indexOf(' '); i !== -1; i = text.indexOf(' ', i + 1)) {
    const next = text.charCodeAt(i + 1);
    if (!Number.isNaN(next) && next !== 32) count++;
  }
  return count;
}

function draft(
  kind: TurnKind,
  text: string,
  flow: CompiledFlow,
  action: AgentAction = 'continue',
): TurnDraft {
  return { kind, text, flow, slots: {}, reads: [], writes: [], action };
}

/**
 * Builds call *index* of a scenario. A pure function of (scenario, seed, index, arrival): the
 * generator calls it for each arrival; the simulators call it to recover the ground truth.
 */
export function buildCallPlan(
  scenario: Scenario,
  seed: number,
  index: number,
  arrival: { ms: number; epochMs: number; localDate: string },
): CallPlan {
  const compiled = compiledFor(scenario);
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
  const wpm = behaviour.speechWpm * (0.85 + rng() * 0.3);

  const first = pickWeighted(rng, compiled.flows);
  const flows: CompiledFlow[] = [first];
  if (complexity.intents > 1 && servable(first.flow)) {
    for (let k = 1; k < complexity.intents && first.followers.length > 0; k++) {
      const next = pickWeighted(rng, first.followers);
      if (!flows.includes(next)) flows.push(next);
    }
  }
  const correcting = rng() < behaviour.correction * complexity.correctionFactor;
  let correctionFlow: CompiledFlow | undefined;
  if (correcting) for (const f of flows) if (!correctionFlow && f.correction) correctionFlow = f;
  const asksHuman = first.flow.category !== 'human' && rng() < behaviour.askHuman;
  const patienceMs = Math.round(lognormal(rng, behaviour.patience.medianMs, behaviour.patience.p90Ms));

  const persona: string[] = new Array(PERSONA_FIELDS.length);
  for (let p = 0; p < PERSONA_FIELDS.length; p++) persona[p] = caller[PERSONA_FIELDS[p]!];
  const drafts: TurnDraft[] = [];
  const expectedWrites: ExpectedWrite[] = [];
  const opening = fillTemplate(pick(rng, compiled.opening), persona);

  for (let k = 0; k < flows.length; k++) {
    const cf = flows[k]!;
    const flow = cf.flow;
    // What the caller says and what the CRM stores, indexed as the flow's templates expect.
    const said: string[] = new Array(cf.size);
    const canonical: string[] = new Array(cf.size);
    for (let p = 0; p < persona.length; p++) {
      said[p] = persona[p]!;
      canonical[p] = persona[p]!;
    }
    for (const { slot, index } of cf.slots) {
      const value = drawSlotValue(slot, rng, arrival.localDate);
      said[index] = value.spoken;
      canonical[index] = value.canonical;
    }
    const start = drafts.length;
    for (let j = 0; j < cf.turns.length; j++) {
      const phrasing = pick(rng, cf.turns[j]!);
      const text = fillTemplate(phrasing.template, said);
      const d = draft(
        k === 0 && j === 0 ? 'open' : 'inform',
        k === 0 && j === 0 ? `${opening} ${text}` : text,
        cf,
      );
      for (const { name, index } of phrasing.gives) d.slots[name] = canonical[index]!;
      if (j === 0) d.reads = [...(flow.reads as CrmOperationName[])];
      drafts.push(d);
      const correction = cf.correction;
      if (correctionFlow === cf && correction && phrasing.givesCorrected) {
        const next = drawDifferentValue(flow.slots[correction.name]!, rng, arrival.localDate, {
          canonical: canonical[correction.index]!,
          spoken: said[correction.index]!,
        });
        said[correction.index] = next.spoken;
        canonical[correction.index] = next.canonical;
        const c = draft('correction', fillTemplate(pick(rng, correction.say), said), cf);
        c.slots[correction.name] = next.canonical;
        drafts.push(c);
      }
    }
    for (let x = 0; x < complexity.extraTurns; x++) {
      if (rng() < 0.5) continue;
      const at = start + 1 + Math.floor(rng() * (drafts.length - start));
      drafts.splice(at, 0, draft('clarify', pick(rng, CLARIFY), cf));
    }
    const last = drafts[drafts.length - 1]!;
    for (const w of cf.writes) {
      const args: Record<string, string> = {};
      for (const [arg, template] of w.fields) args[arg] = fillTemplate(template, canonical);
      const write: ExpectedWrite = { id: `${id}.w${expectedWrites.length}`, op: w.op, flow: flow.id, args };
      expectedWrites.push(write);
      last.writes.push(write.id);
    }
    if (flow.outcome.action === 'transfer') {
      last.action = 'transfer';
      last.transferReason = flow.outcome.transferReason;
    }
  }

  if (drafts[drafts.length - 1]!.action !== 'transfer') {
    drafts.push(
      draft('close', fillTemplate(pick(rng, compiled.closing), persona), flows[flows.length - 1]!, 'end'),
    );
  }

  let asksForHumanAtTurn: number | null = null;
  if (asksHuman) {
    const at = 1 + Math.floor(rng() * (drafts.length - 1));
    const flow = drafts[Math.min(at, drafts.length - 1)]!.flow;
    drafts.splice(at);
    const ask = draft('ask-human', fillTemplate(pick(rng, compiled.askHuman), persona), flow, 'transfer');
    ask.transferReason = 'caller_requested';
    drafts.push(ask);
    asksForHumanAtTurn = at;
  }

  const kept: string[] = [];
  const raised: Flow[] = [];
  const turns: PlannedTurn[] = [];
  for (let n = 0; n < drafts.length; n++) {
    const d = drafts[n]!;
    const flow = d.flow.flow;
    for (const w of d.writes) kept.push(w);
    if (!raised.includes(flow)) raised.push(flow);
    const speechMs = Math.round((words(d.text) / wpm) * 60_000 + 250);
    const bargeIn = n > 0 && rng() < behaviour.bargeIn;
    turns.push({
      id: `${id}.u${n}`,
      index: n,
      kind: d.kind,
      text: d.text,
      speechMs,
      thinkMs: n === 0 ? 0 : Math.round(lognormal(rng, behaviour.think.medianMs, behaviour.think.p90Ms)),
      bargeInAtMs: bargeIn ? Math.round(300 + rng() * 2200) : null,
      slots: d.slots,
      expect: d.transferReason
        ? {
            intent: flow.intent,
            flow: flow.id,
            inScope: flow.inScope,
            action: d.action,
            transferReason: d.transferReason,
            reads: d.reads,
            writes: d.writes,
          }
        : {
            intent: flow.intent,
            flow: flow.id,
            inScope: flow.inScope,
            action: d.action,
            reads: d.reads,
            writes: d.writes,
          },
    });
  }
  const end = drafts[drafts.length - 1]!;
  const intents: string[] = [];
  const flowIds: string[] = [];
  for (const f of raised) {
    intents.push(f.intent);
    flowIds.push(f.id);
  }
  const keptWrites: ExpectedWrite[] = [];
  for (const w of expectedWrites) if (kept.includes(w.id)) keptWrites.push(w);

  return {
    schema: CALL_PLAN_SCHEMA,
    id,
    index,
    arrivalMs: Math.round(arrival.ms),
    arrivalAt: isoInstant(Math.round(arrival.epochMs)),
    vertical: vertical.name,
    stage: stage.name,
    caller,
    region: cohort.region,
    locale: cohort.locale,
    cohort: cohort.id,
    noise: noise.id,
    complexity: complexity.id,
    intents,
    flows: flowIds,
    consentRequired: true,
    patienceMs,
    asksForHumanAtTurn,
    turns,
    expectedWrites: keptWrites,
    expectedEnd:
      end.action === 'transfer' ? { action: 'transfer', reason: end.transferReason } : { action: 'end' },
  };
}
