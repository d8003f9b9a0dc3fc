import type { CrmOperationName } from '../../src/scenario/crm-operations.ts';
import type { CallPlan, ExpectedWrite } from '../callers/call-plan.ts';
import { type CallLifecycle, normalisePhone } from './call-lifecycle.ts';
import { canonicalJson } from './idempotency-store.ts';
import { type Attribution, attribute, KeySightings } from './write-attribution.ts';
import type { WriteTotals } from './write-totals.ts';

/** One accepted write, as the CRM committed it. */
export interface LedgerEntry {
  /** Position in the ledger, from 1. */
  readonly seq: number;
  /** The id the CRM answered with (e.g. `PTP-000042`). */
  readonly writeId: string;
  readonly op: CrmOperationName;
  readonly accountId: string;
  /** Every argument of the operation, accountId included, as strings. */
  readonly args: Readonly<Record<string, string>>;
  readonly idempotencyKey?: string;
  /** ISO 8601 wall-clock time of the commit. */
  readonly at: string;
  /**
   * From the `x-callstorm-call` header, when the agent forwarded it on this request or on an
   * earlier attempt under the same Idempotency-Key. Absent: attributed by the call's lifetime.
   */
  readonly callId?: string;
}

/** A ledger write with the call it was attributed to (or why none). */
export type AttributedEntry = LedgerEntry & { readonly attribution: Attribution };

/** How the writes of a run were attributed to calls. */
export interface AttributionTotals {
  /** Named their call (`x-callstorm-call`, or an earlier attempt under the same key did). */
  readonly header: number;
  /** Named none; exactly one live call touched their account or caller's number. */
  readonly lifetime: number;
  /** Named none and no live call touched what they touch. */
  readonly noLiveCall: number;
  /** Named none and several live calls could own them. */
  readonly ambiguous: number;
}

/** One call's writes as attributed: by its header, by its lifetime, and those it may share. */
export interface CallAttribution {
  readonly header: number;
  readonly lifetime: number;
  /** Writes on this call's account (or number) during its lifetime that another live call could own too. */
  readonly ambiguous: number;
}

export type WriteStatus = 'landed' | 'lost' | 'duplicate';

export interface ReconciledWrite {
  readonly expected: ExpectedWrite;
  readonly callId: string;
  /** landed = exactly once, lost = never, duplicate = more than once. */
  readonly status: WriteStatus;
  readonly count: number;
  /** Ledger `seq` of every write matched to this one. */
  readonly matched: readonly number[];
}

export interface Reconciliation {
  readonly writes: readonly ReconciledWrite[];
  /** Writes attributed to a call whose plan did not ask for them (wrong values, wrong operation, invented). */
  readonly unexpected: readonly AttributedEntry[];
  /** Writes no call could be given: counted, never matched to a plan by guesswork. */
  readonly unattributed: readonly AttributedEntry[];
  readonly attribution: AttributionTotals;
  readonly totals: WriteTotals;
}

export type LedgerWrite = Omit<LedgerEntry, 'seq' | 'at'> & { readonly at?: string };

export interface WriteLedgerOptions {
  /** The suite's live calls: how writes that name no call are attributed. Absent: by header only. */
  readonly lifecycle?: CallLifecycle;
  /** Idempotency-Keys seen on write attempts (the CRM records them before faults answer). */
  readonly keys?: KeySightings;
}

/**
 * Every write the CRM accepted, in order, attributed to calls, and the reconciliation against
 * what calls should have written. A write that names its call (`x-callstorm-call`) is that
 * call's; one that names none belongs to the call whose lifetime covers it and whose account (or
 * caller's number) it touches, if exactly one does — timed from its key's first attempt, so a
 * retry belongs where the write was first tried. The rest are counted as unattributed.
 */
export class WriteLedger {
  readonly keys: KeySightings;
  readonly #lifecycle: CallLifecycle | undefined;
  private readonly list: LedgerEntry[] = [];
  private readonly byCall = new Map<string, LedgerEntry[]>();
  /** Writes that named no call, by account and by a phone argument (lifetime attribution looks here). */
  readonly #unnamed = new Map<string, LedgerEntry[]>();

  constructor(options: WriteLedgerOptions = {}) {
    this.#lifecycle = options.lifecycle;
    this.keys = options.keys ?? new KeySightings();
  }

  record(write: LedgerWrite): LedgerEntry {
    const key = write.idempotencyKey;
    const callId = write.callId ?? (key === undefined ? undefined : this.keys.get(key)?.callId);
    const entry: LedgerEntry = {
      ...write,
      ...(callId !== undefined ? { callId } : {}),
      seq: this.list.length + 1,
      at: write.at ?? new Date().toISOString(),
    };
    this.list.push(entry);
    if (entry.callId !== undefined) push(this.byCall, entry.callId, entry);
    else {
      push(this.#unnamed, `a:${entry.accountId}`, entry);
      const phone = entry.args['phone'];
      if (phone !== undefined) push(this.#unnamed, `p:${normalisePhone(phone)}`, entry);
    }
    return entry;
  }

  /** The call a write belongs to, or why it has none. */
  attributionOf(entry: LedgerEntry): Attribution {
    const key = entry.idempotencyKey;
    const firstAt = key === undefined ? undefined : this.keys.get(key)?.firstAt;
    return attribute(
      {
        callId: entry.callId,
        accountId: entry.accountId,
        phone: entry.args['phone'],
        at: firstAt ?? Date.parse(entry.at),
      },
      this.#lifecycle,
    );
  }

  /** Writes that named no call but touch this one's account or caller's number. */
  #unnamedTouching(callId: string): LedgerEntry[] {
    const life = this.#lifecycle?.get(callId);
    if (!life) return [];
    const found = new Map<number, LedgerEntry>();
    for (const k of [
      life.accountId === null ? null : `a:${life.accountId}`,
      life.from === null ? null : `p:${life.from}`,
    ])
      for (const e of (k === null ? undefined : this.#unnamed.get(k)) ?? []) found.set(e.seq, e);
    return [...found.values()];
  }

  /** The writes attributed to this call (named it, or by its lifetime), in ledger order. */
  entriesForCall(callId: string): readonly LedgerEntry[] {
    const named = this.byCall.get(callId) ?? [];
    const owned = this.#unnamedTouching(callId).filter((e) => {
      const a = this.attributionOf(e);
      return a.by === 'lifetime' && a.callId === callId;
    });
    return owned.length === 0 ? named : [...named, ...owned].sort((a, b) => a.seq - b.seq);
  }

  /** How this call's writes were attributed, and how many it may share with another live call. */
  attributionOfCall(callId: string): CallAttribution {
    let lifetime = 0;
    let ambiguous = 0;
    for (const e of this.#unnamedTouching(callId)) {
      const a = this.attributionOf(e);
      if (a.by === 'lifetime' && a.callId === callId) lifetime++;
      else if (a.by === 'none' && a.candidates.includes(callId)) ambiguous++;
    }
    return { header: this.byCall.get(callId)?.length ?? 0, lifetime, ambiguous };
  }

  /**
   * One call's writes against its plan, from the writes attributed to it: O(writes on its
   * account), so a driver can reconcile each call as it ends.
   */
  reconcileCall(plan: CallPlan): WriteTotals {
    const own = this.entriesForCall(plan.id);
    const used = new Set<number>();
    let landed = 0;
    let lost = 0;
    let duplicate = 0;
    for (const expected of plan.expectedWrites) {
      const key = writeKey(expected.op, expected.args);
      let count = 0;
      for (const entry of own) {
        if (!used.has(entry.seq) && writeKey(entry.op, entry.args) === key) {
          used.add(entry.seq);
          count++;
        }
      }
      if (count === 0) lost++;
      else if (count === 1) landed++;
      else duplicate++;
    }
    return {
      expected: plan.expectedWrites.length,
      landed,
      lost,
      duplicate,
      unexpected: own.length - used.size,
    };
  }

  entries(): readonly LedgerEntry[] {
    return this.list;
  }

  get size(): number {
    return this.list.length;
  }

  clear(): void {
    this.list.length = 0;
    this.byCall.clear();
    this.#unnamed.clear();
    this.keys.clear();
  }

  /**
   * Matches each write to an expected write of the call it is attributed to, by operation and
   * identical arguments. A write attributed to a call with no such expected write (or to a call
   * not among `plans`) is unexpected; a write no call could be given is unattributed — never
   * matched to whichever plan happens to ask for the same thing.
   */
  reconcile(plans: Iterable<CallPlan>): Reconciliation {
    type Slot = { expected: ExpectedWrite; callId: string; key: string; matched: number[] };
    const slots: Slot[] = [];
    const byCallKey = new Map<string, Slot[]>();
    for (const plan of plans) {
      for (const expected of plan.expectedWrites) {
        const slot: Slot = {
          expected,
          callId: plan.id,
          key: writeKey(expected.op, expected.args),
          matched: [],
        };
        slots.push(slot);
        push(byCallKey, `${plan.id} ${slot.key}`, slot);
      }
    }
    const unexpected: AttributedEntry[] = [];
    const unattributed: AttributedEntry[] = [];
    const counts = { header: 0, lifetime: 0, noLiveCall: 0, ambiguous: 0 };
    for (const entry of this.list) {
      const attribution = this.attributionOf(entry);
      if (attribution.by === 'none') {
        counts[attribution.reason === 'ambiguous' ? 'ambiguous' : 'noLiveCall']++;
        unattributed.push({ ...entry, attribution });
        continue;
      }
      counts[attribution.by]++;
      const own = byCallKey.get(`${attribution.callId} ${writeKey(entry.op, entry.args)}`);
      if (!own) {
        unexpected.push({ ...entry, attribution });
        continue;
      }
      let target = own[0]!;
      for (const slot of own) if (slot.matched.length < target.matched.length) target = slot;
      target.matched.push(entry.seq);
    }
    const writes = slots.map((slot): ReconciledWrite => {
      const count = slot.matched.length;
      const status: WriteStatus = count === 0 ? 'lost' : count === 1 ? 'landed' : 'duplicate';
      return {
        expected: slot.expected,
        callId: slot.callId,
        status,
        count,
        matched: slot.matched.sort((a, b) => a - b),
      };
    });
    return {
      writes,
      unexpected,
      unattributed,
      attribution: counts,
      totals: {
        expected: writes.length,
        landed: writes.filter((w) => w.status === 'landed').length,
        lost: writes.filter((w) => w.status === 'lost').length,
        duplicate: writes.filter((w) => w.status === 'duplicate').length,
        unexpected: unexpected.length,
      },
    };
  }
}

function push<T>(map: Map<string, T[]>, key: string, value: T): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

function writeKey(op: string, args: Readonly<Record<string, string>>): string {
  return `${op} ${canonicalJson(args)}`;
}
