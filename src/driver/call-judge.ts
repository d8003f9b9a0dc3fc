import { EventEmitter } from 'node:events';
import type { CallPlan } from '../../simulators/callers/call-plan.ts';
import type { CallRecord } from '../telemetry/call-record.ts';
import { sleep } from '../util/abortable-sleep.ts';
import { type CallEvidence, type EvidenceSource, withEvidence } from './call-evidence.ts';
import type { CallObservation } from './call-observation.ts';
import type { HumanQueue, QueueResult } from './human-queue.ts';
import { judgeCall } from './judge-call.ts';

/** One call's writes reconciled against the CRM ledger. */
export interface CallWrites {
  readonly expected: number;
  readonly landed: number;
  readonly lost: number;
  readonly duplicate: number;
  readonly unexpected: number;
  /**
   * Writes that named no call, on this call's account during its lifetime, that another live call
   * could own too: counted as unattributed, never this call's (so they cannot prove its flow).
   */
  readonly ambiguous?: number;
}

/**
 * What `resolved` rests on. `harness` (every run): the harness's own evidence — the flow's
 * writes in the CRM ledger, the intent the LLM simulator classified. `agent-reported`
 * (`callstorm ingest k6`, which has neither): the agent's telemetry, as before evidence existed.
 */
export type ResolutionProof = 'harness' | 'agent-reported';

export interface CallJudgeOptions {
  readonly runId: string;
  /** Escalated calls join it in the order they were observed (scenario time only moves forward). */
  readonly humanQueue: HumanQueue;
  /** Scenario ms of a wall instant (the run's clock). */
  readonly scenarioAt: (wallMs: number) => number;
  /**
   * This call's writes from the CRM ledger; may answer later (a CRM in another process). Null or
   * absent: no ledger, writes not judged. A rejection leaves the call unjudged.
   */
  readonly writesOf?: (plan: CallPlan) => CallWrites | null | Promise<CallWrites | null>;
  /** Ids of faults active at any time in [fromMs, toMs] of scenario time (default none). */
  readonly faultsDuring?: (fromMs: number, toMs: number) => readonly string[];
  /** The harness's evidence of each call (the run's simulators); asked once per call. */
  readonly evidence?: EvidenceSource | null;
  /** Default `harness`: a call is resolved only on the harness's evidence (see ResolutionProof). */
  readonly proof?: ResolutionProof;
  readonly residencyPolicy?: Readonly<Record<string, readonly string[]>>;
}

export interface CallJudgeEvents {
  /** A call judged: its record, and the observation it was judged from (evidence applied). */
  judged: [record: CallRecord, observation: CallObservation];
  /** A call that could not be judged (its writes or evidence could not be read): no record. */
  unjudged: [plan: CallPlan, error: Error];
}

const asError = (e: unknown): Error => (e instanceof Error ? e : new Error(String(e)));

/** Runs `f`, turning a synchronous throw into a rejection. */
function attempt<T>(f: () => T | Promise<T>): Promise<T> {
  try {
    return Promise.resolve(f());
  } catch (error) {
    return Promise.reject(error);
  }
}

/**
 * Turns observed calls into call records: subscribes to the driver's observations, adds ground
 * truth (the plan), this call's writes from the ledger, the human queue for escalations and the
 * fault windows, and emits `judged`. The rules themselves are `judgeCall`'s. The recorder, the
 * manifest, the stop conditions and progress subscribe to `judged`.
 */
export class CallJudge extends EventEmitter<CallJudgeEvents> {
  readonly #o: CallJudgeOptions;
  readonly #pending = new Set<Promise<void>>();
  #queueOrder: Promise<unknown> = Promise.resolve();
  #closed = false;
  #judged = 0;
  #unjudged = 0;

  constructor(options: CallJudgeOptions) {
    super();
    this.#o = options;
  }

  /** Calls judged so far. */
  get judged(): number {
    return this.#judged;
  }

  /** Calls that could not be judged so far (or were given up on by `drain`). */
  get unjudged(): number {
    return this.#unjudged;
  }

  /** Judgements still waiting for their writes or evidence. */
  get pending(): number {
    return this.#pending.size;
  }

  /** Subscribes to one observed call; its record follows as `judged` once its writes are in. */
  observe(observation: CallObservation): void {
    if (this.#closed) return;
    const source = this.#o.evidence;
    const evidence = source ? attempt(() => source.evidenceFor(observation)) : Promise.resolve(null);
    const queued = this.#queueOrder
      .then(() => evidence)
      .then((e) => {
        const judged = withEvidence(observation, e);
        return { judged, queue: this.#join(judged) };
      });
    this.#queueOrder = queued.catch(() => undefined);
    const writes = attempt(() => this.#o.writesOf?.(observation.plan) ?? null);
    const task = Promise.all([queued, writes])
      .then(([{ judged, queue }, w]) => {
        if (!this.#closed) this.#record(judged, w, queue);
      })
      .catch((error: unknown) => {
        if (this.#closed) return;
        this.#unjudged++;
        this.emit('unjudged', observation.plan, asError(error));
      });
    this.#pending.add(task);
    void task.finally(() => this.#pending.delete(task));
  }

  /**
   * Judges one call now from what is at hand (`callstorm ingest k6`: no ledger, no waiting).
   * Calls must come in the order they ended; do not mix with `observe`.
   */
  judge(
    observation: CallObservation,
    writes: CallWrites | null = null,
    evidence: CallEvidence | null = null,
  ): CallRecord {
    const judged = withEvidence(observation, evidence);
    return this.#record(judged, writes, this.#join(judged));
  }

  /**
   * Waits for the judgements in flight, at most `timeoutMs`; those still pending then are given up
   * (no record, counted unjudged). Resolves with how many were given up.
   */
  async drain(timeoutMs = Number.POSITIVE_INFINITY): Promise<number> {
    const until = performance.now() + timeoutMs;
    while (this.#pending.size > 0) {
      const cancel = new AbortController();
      const settled = await Promise.race([
        Promise.allSettled([...this.#pending]).then(() => true),
        Number.isFinite(timeoutMs)
          ? sleep(until - performance.now(), cancel.signal).then(() => false)
          : new Promise<boolean>(() => {}),
      ]);
      cancel.abort();
      if (!settled) break;
    }
    const givenUp = this.#pending.size;
    this.#closed = true;
    this.#unjudged += givenUp;
    return givenUp;
  }

  #endedAt(o: CallObservation): number {
    return this.#o.scenarioAt(o.endedWallMs);
  }

  #join(o: CallObservation): QueueResult | null {
    return o.ending.by === 'agent-transfer' ? this.#o.humanQueue.join(this.#endedAt(o)) : null;
  }

  #record(o: CallObservation, writes: CallWrites | null, humanQueue: QueueResult | null): CallRecord {
    const endedAtMs = this.#endedAt(o);
    const { plan } = o;
    const record = judgeCall({
      runId: this.#o.runId,
      observation: o,
      writes: writes
        ? {
            expected: writes.expected,
            landed: writes.landed,
            lost: writes.lost,
            duplicate: writes.duplicate,
            unexpected: writes.unexpected,
          }
        : { expected: plan.expectedWrites.length, landed: 0, lost: 0, duplicate: 0, unexpected: 0 },
      writesReconciled: writes !== null,
      ambiguousWrites: writes?.ambiguous ?? 0,
      proof: this.#o.proof ?? 'harness',
      endedAtMs,
      humanQueue,
      faults: this.#o.faultsDuring?.(plan.arrivalMs, endedAtMs) ?? [],
      ...(this.#o.residencyPolicy ? { residencyPolicy: this.#o.residencyPolicy } : {}),
    });
    this.#judged++;
    this.emit('judged', record, o);
    return record;
  }
}
