import type { Scenario } from '../../src/scenario/compose-scenario.ts';
import type { CrmOperationName } from '../../src/scenario/crm-operations.ts';
import { type Flow, phrasings } from '../../src/scenario/vertical-schema.ts';
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

interface CompiledFlow {
  readonly flow: Flow;
  readonly slotNames: readonly string[];
  readonly turns: readonly (readonly CompiledTemplate[])[];
  readonly correction?: { readonly slot: string; readonly say: readonly CompiledTemplate[] };
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

function servable(f: Flow): boolean {
  return f.inScope && f.category !== 'human' && f.category !== 'out-of-scope';
}

function compileAll(p: Parameters<typeof phrasings>[0]): CompiledTemplate[] {
  return phrasings(p).map(compileTemplate);
}

function compileScenario(scenario: Scenario): CompiledScenario {
  const compiled = scenario.flows.map(({ item: flow, weight }) => ({
    item: {
      flow,
      slotNames: Object.keys(flow.slots),
      turns: flow.turns.map((t) => compileAll(t.say)),
      ...(flow.correction
        ? { correction: { slot: flow.correction.slot, say: compileAll(flow.correction.say) } }
        : {}),
      writes: flow.writes.map((w) => ({
        op: w.op as CrmOperationName,
        fields: Object.entries(w.fields).map(
          ([arg, t]) => [arg, compileTemplate(t)] as [string, CompiledTemplate],
        ),
      })),
      followers: [] as { item: CompiledFlow; weight: number }[],
    },
    weight,
  }));
  for (const { item } of compiled) {
    const others = compiled.filter((o) => servable(o.item.flow) && o.item !== item);
    const total = others.reduce((a, o) => a + o.weight, 0);
    item.followers.push(...others.map((o) => ({ item: o.item, weight: o.weight / total })));
  }
  const v = scenario.vertical;
  return {
    flows: compiled,
    opening: compileAll(v.opening),
    closing: compileAll(v.closing),
    askHuman: compileAll(v.askHuman),
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

  const persona: Readonly<Record<string, string>> = { ...caller };
  const drafts: TurnDraft[] = [];
  const expectedWrites: ExpectedWrite[] = [];
  const opening = fillTemplate(pick(rng, compiled.opening), persona);

  for (let k = 0; k < flows.length; k++) {
    const cf = flows[k]!;
    const flow = cf.flow;
    const said: Record<string, string> = { ...persona };
    const canonical: Record<string, string> = { ...persona };
    for (const name of cf.slotNames) {
      const value = drawSlotValue(flow.slots[name]!, rng, arrival.localDate);
      said[name] = value.spoken;
      canonical[name] = value.canonical;
    }
    const start = drafts.length;
    for (let j = 0; j < cf.turns.length; j++) {
      const template = pick(rng, cf.turns[j]!);
      const text = fillTemplate(template, said);
      const d = draft(
        k === 0 && j === 0 ? 'open' : 'inform',
        k === 0 && j === 0 ? `${opening} ${text}` : text,
        cf,
      );
      let givesCorrected = false;
      for (const name of template.names) {
        if (name in flow.slots) {
          d.slots[name] = canonical[name]!;
          if (name === cf.correction?.slot) givesCorrected = true;
        }
      }
      if (j === 0) d.reads = [...(flow.reads as CrmOperationName[])];
      drafts.push(d);
      if (correctionFlow === cf && cf.correction && givesCorrected) {
        const slotName = cf.correction.slot;
        const next = drawDifferentValue(flow.slots[slotName]!, rng, arrival.localDate, {
          canonical: canonical[slotName]!,
          spoken: said[slotName]!,
        });
        said[slotName] = next.spoken;
        canonical[slotName] = next.canonical;
        const c = draft('correction', fillTemplate(pick(rng, cf.correction.say), said), cf);
        c.slots[slotName] = next.canonical;
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

  const kept = new Set<string>();
  const raised: Flow[] = [];
  const turns: PlannedTurn[] = [];
  for (let n = 0; n < drafts.length; n++) {
    const d = drafts[n]!;
    const flow = d.flow.flow;
    for (const w of d.writes) kept.add(w);
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
  for (const w of expectedWrites) if (kept.has(w.id)) keptWrites.push(w);

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
