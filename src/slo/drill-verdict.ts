import type { Expectation, Probe } from '../chaos/drill-schema.ts';
import type { DrillDefinition } from '../run-folder/drill-definition-schema.ts';
import type {
  DrillVerdict,
  ExpectationResult,
  ProbeResult,
  SteadyStateResult,
} from '../run-folder/drill-verdict-schema.ts';
import type { CallRecord } from '../telemetry/call-record.ts';
import { committedCall } from '../telemetry/committed-call.ts';
import { percentile } from '../util/percentile.ts';
import { containment, outcomeRate, turnsBetween, voiceToVoiceValues } from './call-measures.ts';

/** What the judge reads of a fault log line (faults.jsonl, or the orchestrator's log in memory). */
export interface FaultEvent {
  readonly event: string;
  readonly faultId: string | null;
  readonly scenarioMs: number;
  readonly detail?: Readonly<Record<string, unknown>>;
}

interface Window {
  fromMs: number;
  toMs: number;
}

/**
 * Judges a drill from what happened: the call records and the fault log (faults.jsonl). Fault
 * windows come from the log's applied/removed times (the planned ones if the log is empty);
 * the steady state is checked over the calls that ended before the first fault and over those
 * that arrived `settle` after the last one was removed. Pure: the run judges its drill with it,
 * and `callstorm report` judges it again from the run folder (calls.jsonl, faults.jsonl and the
 * drill recorded in manifest.json). `runId` is recorded in the verdict (drill.json) when given.
 */
export function drillVerdict(
  drill: DrillDefinition,
  records: readonly CallRecord[],
  faultLog: readonly FaultEvent[],
  options: { readonly runId?: string } = {},
): DrillVerdict {
  const windows = faultWindows(drill, records, faultLog);
  const active = [...windows.values()].filter((w): w is Window => w !== null);
  const firstMs = active.length > 0 ? Math.min(...active.map((w) => w.fromMs)) : null;
  const lastMs = active.length > 0 ? Math.max(...active.map((w) => w.toMs)) : null;
  const ssh = drill.steadyStateHypothesis;

  const beforeCalls = firstMs === null ? [] : records.filter((r) => r.endedAtMs < firstMs);
  const afterFrom = lastMs === null ? null : lastMs + ssh.settle;
  const afterCalls = afterFrom === null ? [] : records.filter((r) => r.arrivalMs >= afterFrom);
  const phase = (
    name: 'before' | 'after',
    calls: readonly CallRecord[],
    fromMs: number | null,
    toMs: number | null,
  ): SteadyStateResult => {
    const probes = ssh.probes.map((p) => probeResult(p, calls, ssh.minCalls));
    return { phase: name, fromMs, toMs, calls: calls.length, probes, passed: probes.every((p) => p.passed) };
  };

  const expectations = drill.expectations.map((e) =>
    expectationResult(e, records, windows.get(e.during) ?? null),
  );
  const abortEntry = faultLog.find((e) => e.event === 'abort');
  const aborted = abortEntry
    ? {
        reason: String(abortEntry.detail?.['reason'] ?? 'a stop condition fired'),
        condition: String(abortEntry.detail?.['condition'] ?? ''),
        atMs: abortEntry.scenarioMs,
      }
    : null;
  const before = phase('before', beforeCalls, 0, firstMs);
  const after = phase('after', afterCalls, afterFrom, null);
  return {
    drill: drill.name,
    ...(options.runId === undefined ? {} : { runId: options.runId }),
    steadyState: { before, after },
    expectations,
    aborted,
    passed: aborted === null && before.passed && after.passed && expectations.every((e) => e.passed),
  };
}

function faultWindows(
  drill: DrillDefinition,
  records: readonly CallRecord[],
  log: readonly FaultEvent[],
): Map<string, Window | null> {
  const out = new Map<string, Window | null>();
  const lastEnd = records.reduce((m, r) => Math.max(m, r.endedAtMs), 0);
  for (const f of drill.method) {
    if (log.length === 0) {
      out.set(f.id, { fromMs: f.at, toMs: f.at + f.duration });
      continue;
    }
    const applied = log.find((e) => e.event === 'applied' && e.faultId === f.id);
    const removed = log.find((e) => e.event === 'removed' && e.faultId === f.id);
    // Applied but never removed: a run that was killed; the fault lasted to the end of the data.
    out.set(
      f.id,
      applied
        ? { fromMs: applied.scenarioMs, toMs: removed?.scenarioMs ?? Math.max(lastEnd, applied.scenarioMs) }
        : null,
    );
  }
  return out;
}

function probeResult(probe: Probe, calls: readonly CallRecord[], minCalls: number): ProbeResult {
  let actual: number | null;
  let tolerance: string;
  let ok: (v: number) => boolean;
  switch (probe.metric) {
    case 'outcome-rate':
      actual = outcomeRate(calls, [probe.outcome]);
      tolerance = `${probe.outcome} ≤ ${probe.max}`;
      ok = (v) => v <= probe.max;
      break;
    case 'containment':
      actual = containment(calls);
      tolerance = `≥ ${probe.min}`;
      ok = (v) => v >= probe.min;
      break;
    case 'voice-to-voice':
      actual = percentile(voiceToVoiceValues(calls), probe.percentile);
      tolerance = `p${probe.percentile} ≤ ${probe.maxMs} ms`;
      ok = (v) => v <= probe.maxMs;
      break;
  }
  const base = { name: probe.name, metric: probe.metric, actual, tolerance };
  if (calls.length < minCalls) {
    return { ...base, passed: false, note: `only ${calls.length} calls, fewer than minCalls ${minCalls}` };
  }
  if (actual === null) return { ...base, passed: false, note: 'no data' };
  return { ...base, passed: ok(actual) };
}

function expectationResult(
  e: Expectation,
  records: readonly CallRecord[],
  window: Window | null,
): ExpectationResult {
  const base = { name: e.name, expect: e.expect, during: e.during, window };
  if (window === null) {
    return {
      ...base,
      actual: null,
      expected: '',
      samples: 0,
      unit: 'calls',
      passed: false,
      note: `fault "${e.during}" never took effect`,
    };
  }
  const scoped = e.cohort === undefined ? records : records.filter((r) => r.cohort === e.cohort);
  const calls = scoped.filter(
    (r) => r.faults.includes(e.during) || (r.arrivalMs < window.toMs && r.endedAtMs >= window.fromMs),
  );
  const judge = (
    actual: number | null,
    samples: number,
    unit: ExpectationResult['unit'],
    expected: string,
    ok: (v: number) => boolean,
  ): ExpectationResult => {
    if (samples < e.minSamples || actual === null) {
      return {
        ...base,
        actual,
        expected,
        samples,
        unit,
        passed: false,
        note: `only ${samples} ${unit}, fewer than minSamples ${e.minSamples}`,
      };
    }
    return { ...base, actual, expected, samples, unit, passed: ok(actual) };
  };
  const share = (n: number, d: number) => (d === 0 ? null : n / d);
  switch (e.expect) {
    case 'fallback-tier': {
      const turns = turnsBetween(scoped, window.fromMs, window.toMs).filter((t) => t.agent !== null);
      const hits = turns.filter((t) => e.tiers.includes(t.agent!.fallbackTier)).length;
      return judge(
        share(hits, turns.length),
        turns.length,
        'turns',
        `share of turns on ${e.tiers.join('/')} in [${e.minShare}, ${e.maxShare}]`,
        (v) => v >= e.minShare && v <= e.maxShare,
      );
    }
    case 'transfer-reason': {
      const transfers = turnsBetween(scoped, window.fromMs, window.toMs).filter(
        (t) => t.action === 'transfer',
      );
      const good = transfers.filter((t) =>
        e.reasons
          ? e.reasons.includes(t.transferReason ?? '')
          : !!t.transferReason && t.transferReason !== 'unspecified',
      ).length;
      return judge(
        share(good, transfers.length),
        transfers.length,
        'transfers',
        `share of transfers with reason ${e.reasons?.join('/') ?? '(any named)'} ≥ ${e.minShare}`,
        (v) => v >= e.minShare,
      );
    }
    case 'no-residency-violations': {
      const violations = calls.filter((c) => c.residencyViolation).length;
      return judge(violations, calls.length, 'calls', 'residency violations = 0', (v) => v === 0);
    }
    case 'outcome-rate': {
      const expected = [e.min !== undefined ? `≥ ${e.min}` : '', e.max !== undefined ? `≤ ${e.max}` : '']
        .filter(Boolean)
        .join(' and ');
      return judge(
        outcomeRate(calls, [e.outcome]),
        calls.length,
        'calls',
        `${e.outcome} rate ${expected}`,
        (v) => (e.min === undefined || v >= e.min) && (e.max === undefined || v <= e.max),
      );
    }
    case 'escalation-reason': {
      const escalated = calls.filter((c) => c.outcome === 'escalated');
      const hits = escalated.filter((c) => c.escalation?.reason === e.reason).length;
      return judge(
        share(hits, escalated.length),
        escalated.length,
        'escalated calls',
        `share escalated for ${e.reason} ≥ ${e.minShare}`,
        (v) => v >= e.minShare,
      );
    }
    case 'writes-exactly-once': {
      // Lost means lost on the write path (committedCall): calls escalated or abandoned before
      // their write, wrong intents and misheard values are other failures.
      const committed = calls.filter(committedCall);
      const expected = committed.reduce((n, c) => n + c.writes.expected, 0);
      const duplicate = calls.reduce((n, c) => n + c.writes.duplicate, 0);
      const lost = committed.reduce((n, c) => n + c.writes.lost, 0);
      const lostShare = share(lost, expected);
      const result = judge(
        lostShare,
        expected,
        'expected writes',
        `no duplicate writes, lost share ≤ ${e.maxLostShare}`,
        (v) => duplicate === 0 && v <= e.maxLostShare,
      );
      return {
        ...result,
        note: `${duplicate} duplicate; ${lost} lost of ${expected} written by calls the agent ended as done${result.note ? `; ${result.note}` : ''}`,
      };
    }
  }
}
