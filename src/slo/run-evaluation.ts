/**
 * The contract between the SLO engine (src/slo/, which computes these from a run's artefacts with
 * pure functions) and the reporter (src/report/, which renders them, never recomputing). Charts,
 * verdicts, gates and summaries are all built from these values. Types only: this module imports
 * nothing of the engine and re-exports nothing, so no import circle runs through it.
 */
import type { WriteTotals } from '../../simulators/dependencies/write-totals.ts';
import type { FallbackTier } from '../protocol/agent-protocol.ts';
import type { DrillVerdict } from '../run-folder/drill-verdict-schema.ts';
import type { CallOutcome } from '../telemetry/call-record.ts';
import type { HarnessHealth, RunLoad, RunStatus } from '../telemetry/run-manifest.ts';

/** One SRE-workbook multi-window burn-rate alert, scaled to scenario time. */
export interface BurnRateWindow {
  /** e.g. `1h/5m`. */
  readonly name: string;
  readonly longWindowMs: number;
  readonly shortWindowMs: number;
  /** Burn rate at which the alert fires (14.4, 6, 1). */
  readonly threshold: number;
  /** Highest burn rate seen over any long / short window of the run (budget consumed ÷ budget allowed, per window). */
  readonly maxLongBurnRate: number;
  readonly maxShortBurnRate: number;
  /** Both windows above the threshold at the same time at some point: the page would have gone off. */
  readonly fired: boolean;
  /** Scenario ms at which it first fired, or null. */
  readonly firstFiredAtMs: number | null;
}

/** One SLO of a run: what was measured, against what, and how much error budget it used. */
export interface SloResult {
  /** OpenSLO metadata.name. */
  readonly name: string;
  readonly displayName: string;
  readonly description: string;
  /** The SLI in words, e.g. `turns with voice-to-voice ≤ 3500 ms / all turns`. */
  readonly indicator: string;
  readonly budgetingMethod: 'Occurrences' | 'Timeslices';
  /** Objective target: the share of good events (or good timeslices) required, 0..1. */
  readonly target: number;
  readonly good: number;
  readonly total: number;
  /** good ÷ total (null when there were no events). */
  readonly measured: number | null;
  /** Human-readable, for tables: `96.4 %` / `≥ 95 %`, `£0.84` / `≤ £1.20`. */
  readonly display: { readonly value: string; readonly target: string };
  /**
   * null when the run cannot tell: nothing to measure, or fewer units than `minEvents` without
   * enough bad ones to miss the objective whatever the rest would have been.
   */
  readonly passed: boolean | null;
  /** The fewest units the SLO is judged on (the SLO file's `callstorm/min-events`, default 1). */
  readonly minEvents?: number;
  readonly errorBudget: {
    /** Bad events the objective allows over the run ((1 − target) × total). */
    readonly allowed: number;
    readonly consumed: number;
    /** consumed ÷ allowed (> 1 = overspent; Infinity when nothing is allowed and something was consumed). */
    readonly consumedShare: number;
    readonly remainingShare: number;
  };
  readonly burnRates: readonly BurnRateWindow[];
  /** Remaining budget share over scenario time (for the burn-down chart). */
  readonly burnDown: readonly { readonly atMs: number; readonly remainingShare: number }[];
  /** Threshold SLOs only: the measure over the whole run, formatted (`£0.84`, `0.92 × human baseline`). */
  readonly runMeasure?: string;
}

/** Latency and outcomes per scenario-time window (default 5 minutes). */
export interface WindowSummary {
  readonly startMs: number;
  readonly endMs: number;
  readonly turns: number;
  readonly voiceToVoice: {
    readonly p50: number | null;
    readonly p95: number | null;
    readonly p99: number | null;
  };
  readonly outcomes: Readonly<Record<CallOutcome, number>>;
}

export interface CohortSummary {
  readonly cohort: string;
  readonly calls: number;
  readonly resolved: number;
  /** resolved ÷ calls. */
  readonly containment: number;
  readonly meanAsrConfidence: number | null;
}

export interface CostSummary {
  readonly currency: 'GBP';
  readonly totalCost: number;
  /** Cost of the run ÷ resolved calls (null: nothing resolved). */
  readonly perResolved: number | null;
  /** What a call costs with a human agent (the price list's baseline). */
  readonly humanBaselinePerCall: number;
  /** Cost by component: telephony, asr, llm, tts, human (escalations' handle time). */
  readonly breakdown: Readonly<Record<string, number>>;
}

/** What a streaming transport measured on the wire, over a run's calls (slo/wire-summary.ts). */
export interface WireSummary {
  readonly transport: string;
  /** Calls that carry wire measurements. */
  readonly calls: number;
  readonly turns: number;
  /** Turns whose voice-to-voice was measured on the played-out audio. */
  readonly turnsWithVoiceToVoice: number;
  readonly malformedMessages: number;
  /** Calls whose playback buffer overflowed (the bot sent audio faster than real time). */
  readonly playbackOverflows: number;
  /** Calls the bot ended by closing the socket, by close code. */
  readonly botCloseCodes: Readonly<Record<string, number>>;
  readonly measures: readonly {
    readonly name: string;
    /** The query's `SOURCE.FIELD` (docs/slos.md). */
    readonly query: string;
    readonly count: number;
    readonly p50: number | null;
    readonly p95: number | null;
    readonly p99: number | null;
    readonly max: number | null;
  }[];
}

/** One reason calls ended badly: how many calls gave it, and one of them to look up. */
export interface ReasonCount {
  readonly reason: string;
  readonly calls: number;
  /** The first call (by arrival) that gave it, to find in calls.jsonl. */
  readonly exampleCallId: string;
}

/** Why calls failed, were abandoned or were escalated, most frequent first. */
export interface CallReasons {
  readonly failure: readonly ReasonCount[];
  readonly abandonment: readonly ReasonCount[];
  readonly escalation: readonly ReasonCount[];
}

/** Everything a report shows about one run. */
export interface RunEvaluation {
  readonly runDir: string;
  readonly runId: string;
  readonly vertical: string;
  readonly stage: string;
  readonly agent: string;
  readonly drill: string | null;
  readonly window: {
    readonly spec: string;
    readonly start: string;
    readonly end: string;
    readonly speed: number;
    readonly seed: number;
  };
  readonly complete: boolean;
  readonly invalid: string | null;
  /** manifest.json's status and reason: how the run ended and why (absent in older evaluations). */
  readonly status?: RunStatus;
  readonly endReason?: string | null;
  /**
   * Why the run's calls cannot judge the agent — invalid, killed, interrupted, stopped by the
   * harness — or null when they can (a drill's stop condition is the agent's doing: evidence).
   */
  readonly inconclusive?: string | null;
  /** Offered against real-time concurrency (manifest.json's `load`; null when not recorded). */
  readonly load?: RunLoad | null;
  /** The harness's own health over the run (manifest.json's `harness`; null when not recorded). */
  readonly harness?: HarnessHealth | null;
  readonly networkMode: string;
  readonly calls: number;
  readonly outcomes: Readonly<Record<CallOutcome, number>>;
  /** resolved ÷ all calls. */
  readonly containment: number;
  readonly slos: readonly SloResult[];
  /** Name of the SLO set the run was evaluated against (scenarios/slos/<name>.yaml). */
  readonly sloSet?: string;
  readonly cost: CostSummary;
  readonly cohorts: readonly CohortSummary[];
  readonly windows: readonly WindowSummary[];
  readonly faults: readonly {
    readonly id: string;
    readonly target: string;
    readonly fromMs: number;
    readonly toMs: number | null;
  }[];
  readonly escalationReasons: Readonly<Record<string, number>>;
  /** Failure, abandonment and escalation reasons with counts and an example call (absent in older evaluations). */
  readonly reasons?: CallReasons;
  /** Per fault: which fallback tier answered the turns sent while it was active. */
  readonly fallbackDuringFaults: readonly {
    readonly fault: string;
    readonly tiers: Readonly<Partial<Record<FallbackTier, number>>>;
    /** Turns sent while it was active that reported no tier: no reply, or no telemetry (absent in older evaluations). */
    readonly unreported?: number;
  }[];
  readonly humanQueue: {
    readonly escalated: number;
    readonly answered: number;
    readonly answeredWithin20s: number;
    /** answeredWithin20s ÷ escalated (null: none escalated). */
    readonly serviceLevel: number | null;
    readonly meanWaitMs: number | null;
    readonly abandonedInQueue: number;
    /** Per window, for the chart. */
    readonly windows: readonly {
      readonly startMs: number;
      readonly escalated: number;
      readonly serviceLevel: number | null;
      readonly meanWaitMs: number | null;
    }[];
  };
  readonly integrity: {
    readonly expectedWrites: number;
    readonly lost: number;
    readonly duplicate: number;
    readonly unexpected: number;
    readonly residencyViolations: number;
    /**
     * ledger.json's totals (null: no ledger, e.g. a killed run). Its `lost` also counts writes of
     * calls escalated or abandoned before the write was decided; `lost` above counts only writes
     * of calls the agent ended as done.
     */
    readonly ledger?: WriteTotals | null;
  };
  /**
   * The drill's verdict, judged from the run folder (calls.jsonl, faults.jsonl and the drill
   * recorded in the manifest); drill.json as written when the manifest records no drill.
   */
  readonly drillVerdict: DrillVerdict | null;
  /** Wire measurements of a streaming transport (absent for runs over the HTTP agent protocol). */
  readonly wire?: WireSummary;
  /**
   * What a reader of the evaluation should know about its evidence: a torn last line skipped, a
   * manifest from before callstorm recorded flow categories, a drill verdict that differs from
   * drill.json. Shown by the report. Absent in evaluations made before callstorm kept notes.
   */
  readonly notes?: readonly string[];
}

/** A gate's verdict: INCONCLUSIVE when the evidence cannot say (docs/slos.md, "Three verdicts"). */
export type GateVerdict = 'GO' | 'NO-GO' | 'INCONCLUSIVE';

/**
 * `held`; `failed` on evidence that describes the agent; `inconclusive` when the evidence cannot
 * tell (an invalid or cut-short run, too few events, a folder that fails its checks, a run missing).
 */
export type ReasonOutcome = 'held' | 'failed' | 'inconclusive';

/** One reason of a gate: a condition, whether it held, and why in plain words. */
export interface GateReason {
  readonly kind: 'run' | 'slo' | 'drill' | 'integrity';
  /** Its name in lists: `<slo> in <run id>`, `<run id> complete`, `no lost writes in <run id>`, … */
  readonly name: string;
  /** The run it is about; null for conditions about no run in particular (a drill never run, a baseline). */
  readonly runId: string | null;
  /**
   * What it judges, without the run: the SLO's name, the drill's name, the integrity rule
   * (`no-duplicate-writes`, `no-lost-writes`, `no-residency-violations`), or for runs
   * `complete`, `valid`, `not-judged`, `stage`, `baseline`, `slo-set`, `readable`.
   */
  readonly subject: string;
  /** outcome === 'held'. */
  readonly passed: boolean;
  readonly outcome: ReasonOutcome;
  readonly detail: string;
}

export interface GateResult {
  readonly gate: string;
  readonly stage: string;
  /** NO-GO when a condition failed on valid evidence; else INCONCLUSIVE when one could not be judged; else GO. */
  readonly verdict: GateVerdict;
  /** verdict === 'GO'. */
  readonly go: boolean;
  readonly reasons: readonly GateReason[];
}
