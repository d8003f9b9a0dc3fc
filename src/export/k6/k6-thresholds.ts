import type { Drill } from '../../chaos/drill-schema.ts';
import type { Condition, Selection } from '../../slo/metric-query.ts';
import type { SloSet } from '../../slo/slo-set.ts';
import { K6_METRICS } from './k6-call-protocol.ts';

export type K6Threshold =
  | string
  | { readonly threshold: string; readonly abortOnFail: boolean; readonly delayAbortEval?: string };

/** k6 thresholds, per metric, and the SLOs that had no k6 equivalent (judged after ingest). */
export interface K6Thresholds {
  readonly thresholds: Readonly<Record<string, readonly K6Threshold[]>>;
  readonly translated: readonly {
    readonly slo: string;
    readonly metric: string;
    readonly expression: string;
  }[];
  readonly notTranslated: readonly string[];
}

function round(n: number): number {
  return Math.round(n * 1e6) / 1e6;
}

function isOutcome(where: readonly Condition[], outcome: string): boolean {
  return (
    where.length === 1 &&
    where[0]?.kind === 'compare' &&
    where[0].field === 'outcome' &&
    where[0].op === '=' &&
    where[0].value === outcome
  );
}

const plainCalls = (s: Selection) => s.source === 'calls' && s.where.length === 0;

/**
 * The stage's SLOs that k6 can check while it runs, in k6 syntax:
 * - "turns where voiceToVoiceMs <= X" / "turns" with target T → `p(100·T)<=X` on the voice-to-voice Trend;
 * - "p99 of turns.voiceToVoiceMs" ≤ X → `p(99)<=X`;
 * - "calls where outcome = failed|abandoned" (bad) / "calls" with target T → `rate<=1−T` on the Rate.
 * Everything else (cost, writes, escalation reasons, residency) needs ground truth k6 does not
 * have: `callstorm gate` judges it after `callstorm ingest k6`. With a drill that has stop
 * conditions, the failure/abandonment Rates also get `abortOnFail` thresholds at the drill's
 * strictest maxRate (k6 evaluates them over the whole run so far, not a rolling window).
 */
export function k6Thresholds(slos: SloSet, drill: Drill | null, speed = 1): K6Thresholds {
  const thresholds: Record<string, K6Threshold[]> = {};
  const translated: { slo: string; metric: string; expression: string }[] = [];
  const notTranslated: string[] = [];
  const add = (slo: string, metric: string, t: K6Threshold) => {
    const list = thresholds[metric] ?? [];
    list.push(t);
    thresholds[metric] = list;
    translated.push({ slo, metric, expression: typeof t === 'string' ? t : t.threshold });
  };
  for (const slo of slos.slos) {
    const ind = slo.indicator;
    if (ind.kind === 'ratio') {
      const cond = ind.part.where[0];
      if (
        ind.total.source === 'turns' &&
        ind.total.where.length === 0 &&
        ind.part.source === 'turns' &&
        ind.part.where.length === 1 &&
        cond?.kind === 'compare' &&
        cond.field === 'voiceToVoiceMs' &&
        (cond.op === '<=' || cond.op === '<') &&
        typeof cond.value === 'number' &&
        !ind.countsBad
      ) {
        add(slo.name, K6_METRICS.voiceToVoice, `p(${round(slo.target * 100)})${cond.op}${cond.value}`);
        continue;
      }
      const outcome = ['failed', 'abandoned'].find((o) => isOutcome(ind.part.where, o));
      if (outcome && ind.countsBad && plainCalls(ind.total) && ind.part.source === 'calls') {
        const metric = outcome === 'failed' ? K6_METRICS.failed : K6_METRICS.abandoned;
        add(slo.name, metric, `rate<=${round(1 - slo.target)}`);
        continue;
      }
    } else if (
      ind.measure.kind === 'aggregate' &&
      ind.measure.aggregate.kind === 'percentile' &&
      ind.measure.source === 'turns' &&
      ind.measure.field === 'voiceToVoiceMs' &&
      ind.measure.where.length === 0 &&
      (ind.op === 'lte' || ind.op === 'lt')
    ) {
      add(
        slo.name,
        K6_METRICS.voiceToVoice,
        `p(${ind.measure.aggregate.p})${ind.op === 'lte' ? '<=' : '<'}${ind.value}`,
      );
      continue;
    }
    notTranslated.push(slo.name);
  }
  for (const stop of drill?.stopConditions ?? []) {
    for (const outcome of stop.outcomes) {
      const metric =
        outcome === 'failed' ? K6_METRICS.failed : outcome === 'abandoned' ? K6_METRICS.abandoned : null;
      if (!metric) continue;
      add(`${drill?.name}: ${stop.name}`, metric, {
        threshold: `rate<=${round(stop.maxRate)}`,
        abortOnFail: true,
        // Wait one stop-condition window (scenario time, compressed by speed) before aborting.
        delayAbortEval: `${Math.max(1, Math.round(stop.window / speed / 1000))}s`,
      });
    }
  }
  return { thresholds, translated, notTranslated };
}
