import { z } from 'zod';
import { readYaml, validate } from '../scenario/load-document.ts';
import { resolveScenarioFile } from '../scenario/scenario-files.ts';
import { identifier } from '../scenario/schema-helpers.ts';
import type { CallRecord } from '../telemetry/call-record.ts';
import type { CostSummary } from './run-evaluation.ts';

const price = z.number().min(0, 'a price cannot be negative');

/** `scenarios/prices/*.yaml`: what each component of a call costs, and what a call with a person costs. */
export const priceListSchema = z.strictObject({
  kind: z.literal('PriceList'),
  name: identifier,
  description: z.string().default(''),
  currency: z.literal('GBP'),
  /** Per minute the line is open: the call, the human queue and the person's handle time. */
  telephonyPerMinute: price,
  /** Per minute of caller speech transcribed. */
  asrPerMinute: price,
  llm: z.strictObject({ inputPer1kTokens: price, outputPer1kTokens: price }),
  ttsPer1kCharacters: price,
  /** Per minute a person handles an escalated call. */
  humanAgentPerMinute: price,
  /** What one call costs handled by a person end to end: the baseline the agent must beat. */
  humanBaselinePerCall: z.number().positive('the human baseline must be above 0'),
});
export type PriceList = z.infer<typeof priceListSchema>;

export const DEFAULT_PRICE_LIST = 'uk-2026';

export function parsePriceList(data: unknown, source: string): PriceList {
  return validate(priceListSchema, data, 'priceList', source);
}

/** Loads `scenarios/prices/<name>.yaml` or a path to a PriceList file. */
export function loadPriceList(nameOrPath: string = DEFAULT_PRICE_LIST): PriceList {
  const path = resolveScenarioFile('prices', nameOrPath);
  return parsePriceList(readYaml(path), path);
}

export const COST_COMPONENTS = ['telephony', 'asr', 'llm', 'tts', 'human'] as const;
export type CostComponent = (typeof COST_COMPONENTS)[number];

const MIN = 60_000;

/** What one call cost, by component (GBP), from its cost inputs and its time with a person. */
export function callCost(c: CallRecord, prices: PriceList): Record<CostComponent, number> {
  const hq = c.humanQueue;
  const withPerson = hq?.answered ? hq.handleMs : 0;
  const lineMs = c.cost.durationMs + (hq?.waitMs ?? 0) + withPerson;
  return {
    telephony: (lineMs / MIN) * prices.telephonyPerMinute,
    asr: (c.cost.callerSpeechMs / MIN) * prices.asrPerMinute,
    llm:
      (c.cost.llmTokensIn / 1000) * prices.llm.inputPer1kTokens +
      (c.cost.llmTokensOut / 1000) * prices.llm.outputPer1kTokens,
    tts: (c.cost.ttsCharacters / 1000) * prices.ttsPer1kCharacters,
    human: (withPerson / MIN) * prices.humanAgentPerMinute,
  };
}

export function totalCallCost(c: CallRecord, prices: PriceList): number {
  const parts = callCost(c, prices);
  return COST_COMPONENTS.reduce((sum, k) => sum + parts[k], 0);
}

/** Cost of a set of calls ÷ its resolved calls (null: none resolved). */
export function costPerResolved(calls: readonly CallRecord[], prices: PriceList): number | null {
  const resolved = calls.filter((c) => c.outcome === 'resolved').length;
  if (resolved === 0) return null;
  return calls.reduce((sum, c) => sum + totalCallCost(c, prices), 0) / resolved;
}

/** The run's cost: total, per resolved call, by component, against the human baseline. */
export function costSummary(calls: readonly CallRecord[], prices: PriceList): CostSummary {
  const breakdown: Record<CostComponent, number> = { telephony: 0, asr: 0, llm: 0, tts: 0, human: 0 };
  for (const c of calls) {
    const parts = callCost(c, prices);
    for (const k of COST_COMPONENTS) breakdown[k] += parts[k];
  }
  const totalCost = COST_COMPONENTS.reduce((sum, k) => sum + breakdown[k], 0);
  const resolved = calls.filter((c) => c.outcome === 'resolved').length;
  return {
    currency: 'GBP',
    totalCost,
    perResolved: resolved === 0 ? null : totalCost / resolved,
    humanBaselinePerCall: prices.humanBaselinePerCall,
    breakdown,
  };
}

/** For `loadDocument(path, priceListKind)`: lets `callstorm validate` accept PriceList files. */
export const priceListKind = { PriceList: parsePriceList } as const satisfies Record<
  string,
  (data: unknown, path: string) => unknown
>;
